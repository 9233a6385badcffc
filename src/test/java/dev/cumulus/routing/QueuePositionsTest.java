package dev.cumulus.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The snapshot's binary search counts exactly the entries that come first in queue order. */
class QueuePositionsTest {

  record Key(int priority, long micros, long seq) {}

  static final Comparator<Key> QUEUE_ORDER =
      Comparator.comparingInt((Key k) -> -k.priority()).thenComparingLong(Key::micros).thenComparingLong(Key::seq);

  @Test
  void aheadMatchesACountInQueueOrderForRandomQueues() {
    var random = new Random(42);
    for (int round = 0; round < 200; round++) {
      var keys = new ArrayList<Key>();
      int n = random.nextInt(300);
      for (int i = 0; i < n; i++) {
        // few distinct times, so ties on age are common and creation order decides
        keys.add(new Key(random.nextInt(4), random.nextInt(20), i));
      }
      keys.sort(QUEUE_ORDER);
      var snapshot = snapshot(keys);
      for (int probe = 0; probe < 20; probe++) {
        Key key = random.nextBoolean() && !keys.isEmpty() ? keys.get(random.nextInt(keys.size())) : new Key(random.nextInt(4), random.nextInt(20), random.nextInt(400));
        long expected = keys.stream().filter(k -> QUEUE_ORDER.compare(k, key) < 0).count();
        assertThat(snapshot.ahead(key.priority(), key.micros(), key.seq())).as("round %d key %s", round, key).isEqualTo(expected);
      }
    }
  }

  private static QueuePositions.Snapshot snapshot(List<Key> sorted) {
    int[] p = new int[sorted.size()];
    long[] m = new long[sorted.size()];
    long[] s = new long[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      p[i] = sorted.get(i).priority();
      m[i] = sorted.get(i).micros();
      s[i] = sorted.get(i).seq();
    }
    return new QueuePositions.Snapshot(Instant.EPOCH, p, m, s);
  }
}
