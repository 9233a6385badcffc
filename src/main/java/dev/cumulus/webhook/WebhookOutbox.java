package dev.cumulus.webhook;

import dev.cumulus.directory.ServiceStore;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventListener;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes one outbox row per matching trigger inside the transaction of the task's change: the row
 * exists if and only if the change committed. The worker sends it afterwards.
 */
@Component
class WebhookOutbox implements TaskEventListener {

  private static final Logger log = LoggerFactory.getLogger(WebhookOutbox.class);

  // the width of webhook_delivery.payload
  static final int MAX_PAYLOAD = 200_000;

  private final SubscriptionStore subscriptions;
  private final DeliveryStore deliveries;
  private final ServiceStore services;
  private final Json json;
  private final Clock clock;

  WebhookOutbox(SubscriptionStore subscriptions, DeliveryStore deliveries, ServiceStore services, Json json, Clock clock) {
    this.subscriptions = subscriptions;
    this.deliveries = deliveries;
    this.services = services;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void onTaskEvent(TaskEvent event, ExternalTask task) {
    List<Subscription> matching = subscriptions.current().stream().filter(s -> s.matches(event, task)).toList();
    if (matching.isEmpty()) {
      return;
    }
    String payload = payload(event, task);
    deliveries.insert(
        matching.stream()
            .map(s -> new DeliveryStore.NewDelivery(s.id(), task.id(), event.id(), s.url(), payload))
            .toList(),
        OffsetDateTime.now(clock));
  }

  private String payload(TaskEvent event, ExternalTask task) {
    TaskEventData data = TaskEventPayloads.of(event, task, services.find(task.serviceUpn()).orElse(null));
    String payload = json.write(data);
    if (payload.length() > MAX_PAYLOAD) {
      // never fail the task's change because of its webhook: send it without the bulky part
      log.warn("task {} event {}: payload of {} characters sent without customContextParameters", task.id(), event.id(), payload.length());
      payload = json.write(data.withoutContextParameters());
    }
    return payload;
  }
}
