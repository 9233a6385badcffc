package dev.cumulus.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RFC 4180 CSV, written as it goes: CRLF line ends, a field quoted when it holds a comma, quote or line
 * break. UTF-8 with a byte-order mark, so Excel opens it with the right characters. A text that a
 * spreadsheet would take for a formula (=, +, -, @ first) gets a leading apostrophe.
 */
final class Csv implements AutoCloseable {

  private final Writer out;

  Csv(OutputStream stream) throws IOException {
    stream.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    this.out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
  }

  void row(List<?> fields) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(field(fields.get(i)));
    }
    out.write("\r\n");
  }

  static String field(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    if (value instanceof CharSequence && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
