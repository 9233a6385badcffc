package dev.cumulus.webhook;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The webhook_subscription table. {@link #current()} is read on every task event, so it keeps the
 * whole (small) table for {@link #CACHE_TTL}: a trigger registered or deleted on another node takes
 * effect here at most that much later; on this node at once.
 */
@Repository
class SubscriptionStore {

  static final Duration CACHE_TTL = Duration.ofSeconds(1);

  private static final String COLUMNS =
      "id, url, services, task_events, modalities, directions, created_by, created_at";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private record Snapshot(List<Subscription> subscriptions, long loadedAtNanos, long generation) {}

  private final JdbcTemplate jdbc;
  private final Json json;
  // bumped by every change on this node: a load that raced with a change is not kept
  private final AtomicLong generation = new AtomicLong();
  private volatile Snapshot snapshot;

  SubscriptionStore(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  void insert(Subscription s) {
    jdbc.update(
        "insert into webhook_subscription (id, url, services, task_events, modalities, directions, created_by, created_at)"
            + " values (?,?,?,?,?,?,?,?)",
        s.id(),
        s.url(),
        json.write(s.services()),
        json.write(s.taskEvents()),
        json.write(s.modalities()),
        json.write(s.directions()),
        s.createdBy(),
        s.createdAt());
    invalidate();
  }

  boolean delete(String id) {
    boolean deleted = jdbc.update("delete from webhook_subscription where id = ?", id) > 0;
    invalidate();
    return deleted;
  }

  Optional<Subscription> find(String id) {
    return jdbc.query("select " + COLUMNS + " from webhook_subscription where id = ?", this::map, id).stream().findFirst();
  }

  List<Subscription> all() {
    return jdbc.query("select " + COLUMNS + " from webhook_subscription order by created_at, id", this::map);
  }

  /** All subscriptions, at most {@link #CACHE_TTL} old. */
  List<Subscription> current() {
    Snapshot s = snapshot;
    long now = System.nanoTime();
    long gen = generation.get();
    if (s != null && s.generation() == gen && now - s.loadedAtNanos() < CACHE_TTL.toNanos()) {
      return s.subscriptions();
    }
    List<Subscription> loaded = List.copyOf(all());
    if (generation.get() == gen) {
      snapshot = new Snapshot(loaded, now, gen);
    }
    return loaded;
  }

  /**
   * Drops the snapshot now and, inside a transaction, once more when it ends: a snapshot loaded by
   * another thread between the change and its commit must not outlive the commit.
   */
  private void invalidate() {
    bump();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              bump();
            }
          });
    }
  }

  private void bump() {
    generation.incrementAndGet();
    snapshot = null;
  }

  private Subscription map(ResultSet rs, int row) throws SQLException {
    return new Subscription(
        rs.getString("id"),
        rs.getString("url"),
        json.read(rs.getString("services"), STRINGS),
        json.read(rs.getString("task_events"), STRINGS),
        json.read(rs.getString("modalities"), STRINGS),
        json.read(rs.getString("directions"), STRINGS),
        rs.getString("created_by"),
        TaskStore.time(rs, "created_at"));
  }
}
