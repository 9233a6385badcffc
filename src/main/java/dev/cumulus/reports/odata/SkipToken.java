package dev.cumulus.reports.odata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.reports.ReportPages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.ODataApplicationException;

/**
 * Where the next page starts ($skiptoken of an @odata.nextLink): after the position of the last entity
 * sent, and how many were sent so far (for $top). Opaque to clients: base64url of a small JSON.
 */
record SkipToken(ReportPages.Position after, long sent) {

  String encode(ObjectMapper mapper) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mapper.writeValueAsBytes(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static SkipToken decode(ObjectMapper mapper, String token) throws ODataApplicationException {
    try {
      SkipToken t = mapper.readValue(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8), SkipToken.class);
      var after = t.after();
      if (after == null || after.at() == null || after.first() == null || after.second() == null || t.sent() < 0) {
        throw new IllegalArgumentException("incomplete");
      }
      return t;
    } catch (IOException | IllegalArgumentException e) {
      throw new ODataApplicationException(
          "$skiptoken is not one of ours: follow the @odata.nextLink as given", HttpStatusCode.BAD_REQUEST.getStatusCode(), Locale.ROOT);
    }
  }
}
