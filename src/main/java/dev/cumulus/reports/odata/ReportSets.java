package dev.cumulus.reports.odata;

import dev.cumulus.reports.DurationFigures;
import dev.cumulus.reports.IntervalRecord;
import dev.cumulus.reports.ReportPages;
import dev.cumulus.reports.ReportRow;
import dev.cumulus.reports.TaskRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.springframework.stereotype.Component;

/**
 * The feed's entity sets, with the names and meanings of docs/reports.md ("Definitions"): the JSON
 * and CSV fields, durations flattened as in the CSV (waitingP90), plus each duration's sum.
 */
@Component
class ReportSets {

  static final String SERVICE_INTERVALS = "ServiceIntervals";
  static final String AGENT_INTERVALS = "AgentIntervals";
  static final String TASKS = "Tasks";

  private final List<ReportSet<?>> sets;

  ReportSets(ReportPages pages) {
    sets = List.of(
        new ReportSet<>(SERVICE_INTERVALS, "ServiceInterval", serviceColumns(), List.of("start", "serviceUpn"), "start",
            Map.of("serviceUpn", ReportSet.Who.service), pages::serviceIntervals),
        new ReportSet<>(AGENT_INTERVALS, "AgentInterval", agentColumns(), List.of("start", "agentUpn", "serviceUpn"), "start",
            Map.of("serviceUpn", ReportSet.Who.service, "agentUpn", ReportSet.Who.agent), pages::agentIntervals),
        new ReportSet<>(TASKS, "Task", taskColumns(), List.of("createdAt", "taskId"), "createdAt",
            Map.of("serviceUpn", ReportSet.Who.service, "agentUpn", ReportSet.Who.agent), pages::tasks));
  }

  List<ReportSet<?>> all() {
    return sets;
  }

  Optional<ReportSet<?>> named(String name) {
    return sets.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private static List<Column<IntervalRecord>> serviceColumns() {
    var c = new ArrayList<Column<IntervalRecord>>();
    c.add(Column.<IntervalRecord>time("start", r -> r.row().start()).required());
    c.add(Column.<IntervalRecord>text("serviceUpn", r -> r.row().serviceUpn()).required());
    c.add(Column.time("end", r -> r.row().end()));
    counts(c, List.of(
        count("created", ReportRow::created), count("offered", ReportRow::offered), count("accepted", ReportRow::accepted),
        count("acceptedWithinTarget", ReportRow::acceptedWithinTarget), count("declined", ReportRow::declined),
        count("rona", ReportRow::rona), count("broadcastRounds", ReportRow::broadcastRounds),
        count("broadcastUnanswered", ReportRow::broadcastUnanswered), count("completed", ReportRow::completed),
        count("cancelled", ReportRow::cancelled), count("cancelledByFlow", ReportRow::cancelledByFlow),
        count("cancelledBySupervisor", ReportRow::cancelledBySupervisor), count("cancelledByWorkflow", ReportRow::cancelledByWorkflow),
        count("cancelledBySystem", ReportRow::cancelledBySystem), count("expired", ReportRow::expired),
        count("abandoned", ReportRow::abandoned), count("transferredIn", ReportRow::transferredIn),
        count("transferredOut", ReportRow::transferredOut)));
    c.add(Column.integer("serviceLevelTargetSeconds", r -> r.row().serviceLevelTargetSeconds()));
    c.add(Column.decimal("serviceLevel", r -> r.row().serviceLevel()));
    c.add(Column.decimal("abandonmentRate", r -> r.row().abandonmentRate()));
    c.add(Column.decimal("acceptanceRate", r -> r.row().acceptanceRate()));
    durations(c);
    return c;
  }

  private static List<Column<IntervalRecord>> agentColumns() {
    var c = new ArrayList<Column<IntervalRecord>>();
    c.add(Column.<IntervalRecord>time("start", r -> r.row().start()).required());
    c.add(Column.<IntervalRecord>text("agentUpn", r -> r.row().agentUpn()).required());
    // "" on an agent's presence rows: presence is per agent, not per service
    c.add(Column.<IntervalRecord>text("serviceUpn", r -> r.row().serviceUpn()).required());
    c.add(Column.time("end", r -> r.row().end()));
    // the figures counted per agent (docs/reports.md, "Counts")
    counts(c, List.of(
        count("offered", ReportRow::offered), count("accepted", ReportRow::accepted),
        count("acceptedWithinTarget", ReportRow::acceptedWithinTarget), count("declined", ReportRow::declined),
        count("rona", ReportRow::rona), count("completed", ReportRow::completed)));
    c.add(Column.decimal("acceptanceRate", r -> r.row().acceptanceRate()));
    durations(c);
    c.add(Column.decimal("availableSeconds", r -> r.row().availableSeconds()));
    c.add(Column.decimal("busySeconds", r -> r.row().busySeconds()));
    c.add(Column.decimal("awaySeconds", r -> r.row().awaySeconds()));
    return c;
  }

  private static List<Column<TaskRecord>> taskColumns() {
    return List.of(
        Column.<TaskRecord>time("createdAt", TaskRecord::createdAt).required(),
        Column.<TaskRecord>text("taskId", TaskRecord::taskId).required(),
        Column.text("serviceUpn", TaskRecord::serviceUpn),
        Column.text("agentUpn", TaskRecord::agentUpn),
        Column.text("customerIdentifier", TaskRecord::customerIdentifier),
        Column.text("state", TaskRecord::state),
        Column.text("outcome", TaskRecord::outcome),
        Column.text("cancelledBy", TaskRecord::cancelledBy),
        Column.time("firstQueuedAt", TaskRecord::firstQueuedAt),
        Column.time("firstOfferedAt", TaskRecord::firstOfferedAt),
        Column.time("acceptedAt", TaskRecord::acceptedAt),
        Column.time("handledAt", TaskRecord::handledAt),
        Column.time("endedAt", TaskRecord::endedAt),
        Column.<TaskRecord>integer("offers", TaskRecord::offers).required(),
        Column.<TaskRecord>integer("declines", TaskRecord::declines).required(),
        Column.<TaskRecord>integer("ronas", TaskRecord::ronas).required(),
        Column.<TaskRecord>integer("transfers", TaskRecord::transfers).required(),
        Column.decimal("waitingSeconds", TaskRecord::waitingSeconds),
        Column.decimal("handlingSeconds", TaskRecord::handlingSeconds),
        Column.decimal("afterWorkSeconds", TaskRecord::afterWorkSeconds));
  }

  private record Count(String name, ToLongFunction<ReportRow> value) {}

  private static Count count(String name, ToLongFunction<ReportRow> value) {
    return new Count(name, value);
  }

  private static void counts(List<Column<IntervalRecord>> columns, List<Count> counts) {
    for (Count count : counts) {
      columns.add(Column.number(count.name(), r -> count.value().applyAsLong(r.row())));
    }
  }

  private static void durations(List<Column<IntervalRecord>> c) {
    duration(c, "waiting", r -> r.row().waiting(), IntervalRecord::waitingSumSeconds);
    duration(c, "handling", r -> r.row().handling(), IntervalRecord::handlingSumSeconds);
    duration(c, "afterWork", r -> r.row().afterWork(), IntervalRecord::afterWorkSumSeconds);
  }

  private static void duration(
      List<Column<IntervalRecord>> c, String name, Function<IntervalRecord, DurationFigures> figures, ToDoubleFunction<IntervalRecord> sum) {
    c.add(Column.number(name + "Count", r -> figures.apply(r).count()));
    c.add(Column.<IntervalRecord>decimal(name + "Sum", r -> sum.applyAsDouble(r)).required());
    c.add(Column.decimal(name + "Mean", r -> figures.apply(r).mean()));
    c.add(Column.decimal(name + "P50", r -> figures.apply(r).p50()));
    c.add(Column.decimal(name + "P90", r -> figures.apply(r).p90()));
    c.add(Column.decimal(name + "P99", r -> figures.apply(r).p99()));
    c.add(Column.decimal(name + "Max", r -> figures.apply(r).max()));
  }
}
