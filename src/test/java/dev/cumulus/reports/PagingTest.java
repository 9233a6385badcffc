package dev.cumulus.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pages of rows that come in time order only: every row once, in order, whatever the page size, skip and collation. */
class PagingTest {

  private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

  @Test
  void pagesFollowingEachOtherHandOverEveryRowOnceInOrder() {
    var random = new Random(20261130);
    for (int round = 0; round < 200; round++) {
      List<ReportPages.Position> rows = rows(random, 1 + random.nextInt(60));
      List<ReportPages.Position> expected = rows.stream().sorted(Paging.ORDER).toList();
      int size = 1 + random.nextInt(7);
      long skip = random.nextInt(5);
      var seen = new ArrayList<ReportPages.Position>();
      ReportPages.Position after = null;
      for (int page = 0; page < 100; page++) {
        var paging = new Paging<ReportPages.Position>(p -> p, new ReportPages.Query(TimeRange.ALL, null, null, after, page == 0 ? skip : 0, size, false));
        // the database orders by time only: within a moment, any order
        for (ReportPages.Position row : byTimeOnly(rows, random)) {
          if (!paging.add(row)) {
            break;
          }
        }
        List<ReportPages.Position> got = paging.rows();
        assertThat(got.size()).isLessThanOrEqualTo(size);
        seen.addAll(got);
        if (!paging.more()) {
          break;
        }
        assertThat(got).hasSize(size);
        after = got.get(got.size() - 1);
      }
      assertThat(seen).as("round " + round).containsExactlyElementsOf(expected.subList((int) Math.min(skip, expected.size()), expected.size()));
    }
  }

  @Test
  void aRangeIntersectsToItsTighterBoundsAndKnowsWhenItIsEmpty() {
    Instant t1 = T0.plusSeconds(900);
    TimeRange r = TimeRange.from(T0, true).intersect(TimeRange.until(t1, false)).intersect(TimeRange.from(T0, false));
    assertThat(r).isEqualTo(new TimeRange(T0, false, t1, false));
    assertThat(r.contains(T0)).isFalse();
    assertThat(r.contains(T0.plusMillis(1))).isTrue();
    assertThat(r.contains(t1)).isFalse();
    assertThat(TimeRange.exactly(T0).isEmpty()).isFalse();
    assertThat(TimeRange.exactly(T0).intersect(TimeRange.until(T0, false)).isEmpty()).isTrue();
    assertThat(TimeRange.from(t1, true).intersect(TimeRange.until(T0, true)).isEmpty()).isTrue();
  }

  /** Distinct positions over a few moments, names that sort differently by case and punctuation. */
  private static List<ReportPages.Position> rows(Random random, int n) {
    String[] names = {"alice@x", "Bob@x", "a.b@x", "ab@x", "zed@x", "Zoe@x", "", "_x@x"};
    var rows = new java.util.LinkedHashSet<ReportPages.Position>();
    while (rows.size() < n) {
      rows.add(new ReportPages.Position(T0.plusSeconds(900L * random.nextInt(5)), names[random.nextInt(names.length)], names[random.nextInt(names.length)]));
      if (rows.size() >= names.length * names.length * 5) {
        break;
      }
    }
    return new ArrayList<>(rows);
  }

  private static List<ReportPages.Position> byTimeOnly(List<ReportPages.Position> rows, Random random) {
    var shuffled = new ArrayList<>(rows);
    java.util.Collections.shuffle(shuffled, random);
    shuffled.sort(Comparator.comparing(ReportPages.Position::at));
    return shuffled;
  }
}
