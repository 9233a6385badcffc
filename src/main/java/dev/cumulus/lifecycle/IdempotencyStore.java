package dev.cumulus.lifecycle;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Answers of AddExternalTask by Idempotency-Key, per caller. */
@Repository
class IdempotencyStore {

  record Entry(String requestHash, String taskId, String responseBody) {}

  private final JdbcTemplate jdbc;

  IdempotencyStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Entry> find(String principal, String key) {
    return jdbc.query(
            "select request_hash, task_id, response_body from idempotency_record where principal = ? and idempotency_key = ?",
            (rs, i) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3)),
            principal,
            key)
        .stream()
        .findFirst();
  }

  /** Fails with a duplicate key when a concurrent request with the same key committed first. */
  void insert(String principal, String key, Entry entry, OffsetDateTime now) {
    jdbc.update(
        "insert into idempotency_record (principal, idempotency_key, request_hash, task_id, response_body, created_at)"
            + " values (?,?,?,?,?,?)",
        principal,
        key,
        entry.requestHash(),
        entry.taskId(),
        entry.responseBody(),
        now);
  }
}
