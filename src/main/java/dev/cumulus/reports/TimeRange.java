package dev.cumulus.reports;

import java.time.Instant;
import java.util.List;

/**
 * The moments a filter lets through: from {@code lower} to {@code upper}, each bound inclusive or
 * not, and absent (null) when open. Filters of several conditions intersect their ranges.
 */
public record TimeRange(Instant lower, boolean lowerInclusive, Instant upper, boolean upperInclusive) {

  public static final TimeRange ALL = new TimeRange(null, false, null, false);

  public static TimeRange from(Instant at, boolean inclusive) {
    return new TimeRange(at, inclusive, null, false);
  }

  public static TimeRange until(Instant at, boolean inclusive) {
    return new TimeRange(null, false, at, inclusive);
  }

  public static TimeRange exactly(Instant at) {
    return new TimeRange(at, true, at, true);
  }

  /** The moments in both. */
  public TimeRange intersect(TimeRange other) {
    Instant low = lower;
    boolean lowIn = lowerInclusive;
    if (other.lower != null && (low == null || other.lower.isAfter(low) || other.lower.equals(low) && !other.lowerInclusive)) {
      low = other.lower;
      lowIn = other.lowerInclusive;
    }
    Instant up = upper;
    boolean upIn = upperInclusive;
    if (other.upper != null && (up == null || other.upper.isBefore(up) || other.upper.equals(up) && !other.upperInclusive)) {
      up = other.upper;
      upIn = other.upperInclusive;
    }
    return new TimeRange(low, lowIn, up, upIn);
  }

  /** No moment passes (start after end, or both at one moment and one excluded). */
  public boolean isEmpty() {
    if (lower == null || upper == null) {
      return false;
    }
    return lower.isAfter(upper) || lower.equals(upper) && !(lowerInclusive && upperInclusive);
  }

  boolean contains(Instant at) {
    if (lower != null && (at.isBefore(lower) || at.equals(lower) && !lowerInclusive)) {
      return false;
    }
    return upper == null || at.isBefore(upper) || at.equals(upper) && upperInclusive;
  }

  /** Appends the range's conditions on {@code column} to a where clause. */
  void where(String column, StringBuilder sql, List<Object> args) {
    if (lower != null) {
      sql.append(" and ").append(column).append(lowerInclusive ? " >= ?" : " > ?");
      args.add(RollupStore.utc(lower));
    }
    if (upper != null) {
      sql.append(" and ").append(column).append(upperInclusive ? " <= ?" : " < ?");
      args.add(RollupStore.utc(upper));
    }
  }
}
