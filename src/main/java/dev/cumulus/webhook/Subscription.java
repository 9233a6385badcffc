package dev.cumulus.webhook;

import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A registered trigger: the connector's RegisterTaskWebHook config, stored in webhook_subscription.
 * Empty modalities or directions mean "any" (Power Automate sends [] for an untouched optional array).
 */
record Subscription(
    String id,
    String url,
    List<String> services,
    List<String> taskEvents,
    List<String> modalities,
    List<String> directions,
    String createdBy,
    OffsetDateTime createdAt) {

  /** Every Cumulus task is an inbound external task. */
  static final String MODALITY = "ExternalTask";

  static final String DIRECTION = "Inbound";

  boolean matches(TaskEvent event, ExternalTask task) {
    return taskEvents.contains(event.event().name())
        && concernsService(event, task)
        && anyOrContains(modalities, MODALITY)
        && anyOrContains(directions, DIRECTION);
  }

  private boolean concernsService(TaskEvent event, ExternalTask task) {
    if (services.contains(task.serviceUpn())) {
      return true;
    }
    // a transferred task already belongs to its new service; the old service's triggers still hear
    // that it left, otherwise their flows would see the task vanish after Queued
    String from = event.event() == TaskEventType.Transferred && event.detail() != null ? event.detail().get("from") : null;
    return from != null && services.contains(from);
  }

  private static boolean anyOrContains(List<String> filter, String value) {
    return filter == null || filter.isEmpty() || filter.stream().anyMatch(value::equalsIgnoreCase);
  }
}
