package dev.cumulus.externaltask;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The external_task table. Callers hold the row locks their change needs: a task row before agent rows (see Distributor). */
@Repository
public class TaskStore {

  private static final String COLUMNS =
      "id, seq, service_upn, state, distribution_priority, customer_identifier, title, description,"
          + " customer, context_parameters, preferred_users, created_at, enqueued_at, expires_at,"
          + " terminated_at, assigned_user_upn, last_connected_user_upn, outcome, process_instance_id,"
          + " created_by";

  private final JdbcTemplate jdbc;
  private final Json json;
  private final RowMapper<ExternalTask> mapper = this::map;

  public TaskStore(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  public void insert(ExternalTask t) {
    jdbc.update(
        "insert into external_task (id, service_upn, state, distribution_priority, customer_identifier,"
            + " title, description, customer, context_parameters, preferred_users, created_at,"
            + " expires_at, created_by) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        t.id(),
        t.serviceUpn(),
        t.state().name(),
        t.priority().name(),
        t.customerIdentifier(),
        t.title(),
        t.description(),
        json.write(t.customer()),
        json.write(t.contextParameters()),
        json.write(t.preferredUsers()),
        t.createdAt(),
        t.expiresAt(),
        t.createdBy());
    syncPreferred(t.id(), t.preferredUsers());
  }

  /** The preferred users also as rows, so queue queries can filter on them. */
  private void syncPreferred(String id, List<PreferredUser> preferred) {
    jdbc.update("delete from task_preferred_user where task_id = ?", id);
    for (PreferredUser p : preferred == null ? List.<PreferredUser>of() : preferred) {
      jdbc.update("insert into task_preferred_user (task_id, user_upn, priority) values (?,?,?)", id, p.upn(), p.effectivePriority());
    }
  }

  public Optional<ExternalTask> find(String id) {
    return jdbc.query("select " + COLUMNS + " from external_task where id = ?", mapper, id).stream().findFirst();
  }

  /** Reads the task and locks its row until the transaction ends. */
  public Optional<ExternalTask> lock(String id) {
    return jdbc.query("select " + COLUMNS + " from external_task where id = ? for update", mapper, id)
        .stream()
        .findFirst();
  }

  /**
   * Locks the task's row unless another transaction holds it (then empty): a timer taken by one node
   * at a time, which leaves a task that is changing right now for its next round.
   */
  public Optional<ExternalTask> tryLock(String id) {
    return jdbc.query("select " + COLUMNS + " from external_task where id = ? for update skip locked", mapper, id)
        .stream()
        .findFirst();
  }

  public List<ExternalTask> page(String serviceUpn, TaskState state, int page, int size) {
    return page(serviceUpn == null ? null : List.of(serviceUpn), state, page, size);
  }

  /** A page of the tasks in the given services ({@code null}: every service), newest first. */
  public List<ExternalTask> page(Collection<String> serviceUpns, TaskState state, int page, int size) {
    var where = new StringBuilder(" where 1 = 1");
    var args = new ArrayList<Object>();
    inServices(where, args, serviceUpns);
    if (state != null) {
      where.append(" and state = ?");
      args.add(state.name());
    }
    args.add(size);
    args.add((long) page * size);
    return jdbc.query(
        "select " + COLUMNS + " from external_task" + where + " order by created_at desc, seq desc limit ? offset ?",
        mapper,
        args.toArray());
  }

  public long count(String serviceUpn, TaskState state) {
    return count(serviceUpn == null ? null : List.of(serviceUpn), state);
  }

  public long count(Collection<String> serviceUpns, TaskState state) {
    var where = new StringBuilder(" where 1 = 1");
    var args = new ArrayList<Object>();
    inServices(where, args, serviceUpns);
    if (state != null) {
      where.append(" and state = ?");
      args.add(state.name());
    }
    Long n = jdbc.queryForObject("select count(*) from external_task" + where, Long.class, args.toArray());
    return n == null ? 0 : n;
  }

  private static void inServices(StringBuilder where, List<Object> args, Collection<String> serviceUpns) {
    if (serviceUpns == null) {
      return;
    }
    if (serviceUpns.isEmpty()) {
      where.append(" and 1 = 0");
      return;
    }
    where.append(" and service_upn in (").append(String.join(", ", java.util.Collections.nCopies(serviceUpns.size(), "?"))).append(")");
    args.addAll(serviceUpns);
  }

  public List<ExternalTask> byAssignedUser(String userUpn, Collection<TaskState> states) {
    String in = String.join(",", states.stream().map(s -> "'" + s.name() + "'").toList());
    return jdbc.query(
        "select " + COLUMNS + " from external_task where assigned_user_upn = ? and state in (" + in + ") order by seq",
        mapper,
        userUpn);
  }

  public void setProcessInstance(String id, String processInstanceId) {
    jdbc.update("update external_task set process_instance_id = ? where id = ?", processInstanceId, id);
  }

  public void setState(String id, TaskState state, String assignedUserUpn) {
    jdbc.update(
        "update external_task set state = ?, assigned_user_upn = ? where id = ?", state.name(), assignedUserUpn, id);
  }

  /** Queued, with no agent; its age counts from {@code at} unless it was queued before (then it keeps its age). */
  public void markQueued(String id, OffsetDateTime at) {
    jdbc.update(
        "update external_task set state = ?, assigned_user_upn = null, enqueued_at = coalesce(enqueued_at, ?) where id = ?",
        TaskState.Queued.name(), at, id);
  }

  public void connect(String id, String userUpn) {
    jdbc.update(
        "update external_task set state = ?, assigned_user_upn = ?, last_connected_user_upn = ? where id = ?",
        TaskState.Connected.name(),
        userUpn,
        userUpn,
        id);
  }

  public void terminate(String id, TaskState state, Outcome outcome, OffsetDateTime at) {
    jdbc.update(
        "update external_task set state = ?, outcome = ?, terminated_at = ?, assigned_user_upn = null where id = ?",
        state.name(),
        outcome.name(),
        at,
        id);
  }

  public void markAfterWorkExtended(String id) {
    jdbc.update("update external_task set acw_extended = true where id = ?", id);
  }

  public boolean afterWorkExtended(String id) {
    Boolean b = jdbc.queryForObject("select acw_extended from external_task where id = ?", Boolean.class, id);
    return Boolean.TRUE.equals(b);
  }

  public void setService(String id, String serviceUpn) {
    jdbc.update("update external_task set service_upn = ? where id = ?", serviceUpn, id);
  }

  public void setPriority(String id, DistributionPriority priority) {
    jdbc.update("update external_task set distribution_priority = ? where id = ?", priority.name(), id);
  }

  public void setExpiresAt(String id, OffsetDateTime expiresAt) {
    jdbc.update("update external_task set expires_at = ? where id = ?", expiresAt, id);
  }

  public void setDetails(String id, Customer customer, List<ContextParameter> params, List<PreferredUser> preferred) {
    jdbc.update(
        "update external_task set customer = ?, context_parameters = ?, preferred_users = ? where id = ?",
        json.write(customer),
        json.write(params),
        json.write(preferred),
        id);
    syncPreferred(id, preferred);
  }

  private ExternalTask map(ResultSet rs, int row) throws SQLException {
    String outcome = rs.getString("outcome");
    return new ExternalTask(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("service_upn"),
        TaskState.valueOf(rs.getString("state")),
        DistributionPriority.valueOf(rs.getString("distribution_priority")),
        rs.getString("customer_identifier"),
        rs.getString("title"),
        rs.getString("description"),
        json.read(rs.getString("customer"), Customer.class),
        orEmpty(json.read(rs.getString("context_parameters"), new TypeReference<List<ContextParameter>>() {})),
        orEmpty(json.read(rs.getString("preferred_users"), new TypeReference<List<PreferredUser>>() {})),
        time(rs, "created_at"),
        time(rs, "enqueued_at"),
        time(rs, "expires_at"),
        time(rs, "terminated_at"),
        rs.getString("assigned_user_upn"),
        rs.getString("last_connected_user_upn"),
        outcome == null ? null : Outcome.valueOf(outcome),
        rs.getString("process_instance_id"),
        rs.getString("created_by"));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  public static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC);
  }
}
