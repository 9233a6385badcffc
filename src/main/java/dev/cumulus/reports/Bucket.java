package dev.cumulus.reports;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** The length of a report's buckets. Days, weeks (Monday to Sunday) and months follow the report's time zone. */
public enum Bucket {
  fifteenMinutes,
  hour,
  day,
  week,
  month;

  /** The start of the bucket that holds {@code at}. */
  Instant startOf(Instant at, ZoneId zone) {
    ZonedDateTime t = at.atZone(zone);
    return switch (this) {
      case fifteenMinutes -> RowKey.bucketOf(at);
      case hour -> t.truncatedTo(ChronoUnit.HOURS).toInstant();
      case day -> t.toLocalDate().atStartOfDay(zone).toInstant();
      case week -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(zone).toInstant();
      case month -> t.toLocalDate().withDayOfMonth(1).atStartOfDay(zone).toInstant();
    };
  }

  /** The start of the bucket after the one starting at {@code start}. */
  Instant next(Instant start, ZoneId zone) {
    ZonedDateTime t = start.atZone(zone);
    return switch (this) {
      case fifteenMinutes -> start.plusMillis(RowKey.BUCKET_MILLIS);
      case hour -> t.plusHours(1).truncatedTo(ChronoUnit.HOURS).toInstant();
      case day -> t.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
      case week -> t.toLocalDate().plusWeeks(1).atStartOfDay(zone).toInstant();
      case month -> t.toLocalDate().plusMonths(1).atStartOfDay(zone).toInstant();
    };
  }
}
