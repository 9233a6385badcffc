package dev.cumulus.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of rows that the database hands over in time order. Rows of the same moment are put in
 * order here, by their position, so the order (and thus where the next page starts) never depends on
 * the database's collation; the database only orders by time.
 */
final class Paging<R> {

  static final Comparator<ReportPages.Position> ORDER =
      Comparator.comparing(ReportPages.Position::at).thenComparing(ReportPages.Position::first).thenComparing(ReportPages.Position::second);

  private final Function<R, ReportPages.Position> position;
  private final ReportPages.Position after;
  private final int limit;
  private long toSkip;
  private final List<R> rows = new ArrayList<>();
  private final List<R> moment = new ArrayList<>();
  private Instant momentAt;
  private boolean more;

  Paging(Function<R, ReportPages.Position> position, ReportPages.Query query) {
    this.position = position;
    this.after = query.after();
    this.limit = query.limit();
    this.toSkip = query.skip();
  }

  /** The next row in time order; false once the page is full (and a row beyond it was seen). */
  boolean add(R row) {
    Instant at = position.apply(row).at();
    if (momentAt != null && !at.equals(momentAt) && !flush()) {
      return false;
    }
    momentAt = at;
    moment.add(row);
    return true;
  }

  /** The rows of the page, and whether more follow. */
  List<R> rows() {
    if (!more) {
      flush();
    }
    return rows;
  }

  boolean more() {
    return more;
  }

  private boolean flush() {
    moment.sort(Comparator.comparing(position, ORDER));
    for (R row : moment) {
      if (after != null && ORDER.compare(position.apply(row), after) <= 0) {
        continue;
      }
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      if (rows.size() == limit) {
        more = true;
        break;
      }
      rows.add(row);
    }
    moment.clear();
    return !more;
  }
}
