package dev.cumulus.reports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;

/** Reads of the report tables a row at a time, for pages: the database sends a fetch at a time, and the reader may stop early. */
final class Scans {

  private Scans() {}

  interface Row {
    /** Takes the current row; false to stop. */
    boolean take(ResultSet rs) throws SQLException;
  }

  /** True when every row was taken. Within a transaction, so that PostgreSQL's driver fetches in parts. */
  static boolean inOrder(JdbcTemplate jdbc, String sql, List<Object> args, Row row) {
    var streaming = new JdbcTemplate(jdbc.getDataSource());
    streaming.setFetchSize(500);
    Boolean whole =
        streaming.query(sql, (ResultSetExtractor<Boolean>) rs -> {
          while (rs.next()) {
            if (!row.take(rs)) {
              return false;
            }
          }
          return true;
        }, args.toArray());
    return Boolean.TRUE.equals(whole);
  }

  /** "and column in (...)" unless values is null (no condition). */
  static void in(String column, Collection<String> values, StringBuilder sql, List<Object> args) {
    if (values != null) {
      sql.append(" and ").append(column).append(" in (").append(RollupStore.placeholders(values.size())).append(")");
      args.addAll(values);
    }
  }
}
