package dev.cumulus.webhook;

import dev.cumulus.directory.ServiceStore;
import dev.cumulus.directory.ServiceSupervisors;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers and deletes task triggers (the connector's RegisterTaskWebHook and DeleteTaskEventsTrigger). */
@Service
class TriggerService {

  /** The connector's trigger config. */
  record TriggerConfig(List<String> services, List<String> taskEvents, List<String> modalities, List<String> directions, String url) {}

  private static final Set<String> EVENT_NAMES =
      Arrays.stream(TaskEventType.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
  // the column widths of webhook_subscription
  private static final int MAX_URL = 2048;
  private static final int MAX_SERVICES_JSON = 8192;
  private static final int MAX_FILTER_JSON = 1024;
  private static final int MAX_FILTER_VALUE = 64;

  private final SubscriptionStore subscriptions;
  private final DeliveryStore deliveries;
  private final ServiceStore services;
  private final ServiceSupervisors supervisors;
  private final Json json;
  private final Clock clock;
  private final WebhookTargets targets;

  TriggerService(
      SubscriptionStore subscriptions, DeliveryStore deliveries, ServiceStore services, ServiceSupervisors supervisors, Json json,
      Clock clock, WebhookTargets targets) {
    this.targets = targets;
    this.subscriptions = subscriptions;
    this.deliveries = deliveries;
    this.services = services;
    this.supervisors = supervisors;
    this.json = json;
    this.clock = clock;
  }

  @Transactional
  Subscription register(TriggerConfig config, Caller caller) {
    if (config == null) {
      throw ApiException.invalid("config", "required", "is required");
    }
    List<String> serviceUpns = serviceUpns(config.services());
    // the events carry the tasks' data: a supervisor subscribes only to the services they supervise
    serviceUpns.forEach(upn -> supervisors.requireSteers(caller, upn));
    var subscription =
        new Subscription(
            UUID.randomUUID().toString(),
            url(config.url()),
            serviceUpns,
            taskEvents(config.taskEvents()),
            filter("config.modalities", config.modalities()),
            filter("config.directions", config.directions()),
            caller.name(),
            OffsetDateTime.now(clock));
    subscriptions.insert(subscription);
    return subscription;
  }

  @Transactional(readOnly = true)
  Subscription get(String id) {
    return subscriptions.find(id).orElseThrow(() -> ApiException.notFound("Trigger", id));
  }

  @Transactional(readOnly = true)
  List<Subscription> all() {
    return subscriptions.all();
  }

  /** Deletes the trigger and what it has not delivered yet: the flow is gone and expects nothing more. */
  @Transactional
  void delete(String id) {
    if (!subscriptions.delete(id)) {
      throw ApiException.notFound("Trigger", id);
    }
    deliveries.deletePending(id);
  }

  private List<String> serviceUpns(List<String> given) {
    if (given == null || given.isEmpty()) {
      throw ApiException.invalid("config.services", "minItems", "name at least one service UPN");
    }
    var upns = new LinkedHashSet<String>();
    for (int i = 0; i < given.size(); i++) {
      String upn = given.get(i);
      if (upn == null || upn.isBlank() || services.find(upn.trim()).isEmpty()) {
        throw ApiException.invalid("config.services[" + i + "]", "knownService", "no service '" + upn + "'");
      }
      upns.add(upn.trim());
    }
    var result = List.copyOf(upns);
    if (jsonLength(result) > MAX_SERVICES_JSON) {
      throw ApiException.invalid("config.services", "maxLength", "too many services for one trigger");
    }
    return result;
  }

  private static List<String> taskEvents(List<String> given) {
    if (given == null || given.isEmpty()) {
      // the file does not say minItems here, but a trigger without events would never fire: say so now
      throw ApiException.invalid("config.taskEvents", "minItems", "name at least one task event (GET /v1/tasks/events)");
    }
    var events = new LinkedHashSet<String>();
    for (int i = 0; i < given.size(); i++) {
      String event = given.get(i);
      if (event == null || !EVENT_NAMES.contains(event.trim())) {
        throw ApiException.invalid(
            "config.taskEvents[" + i + "]", "knownEvent", "no task event '" + event + "'; one of " + Arrays.toString(TaskEventType.values()));
      }
      events.add(event.trim());
    }
    return List.copyOf(events);
  }

  /** Optional filters are kept as given: values Cumulus never produces (Audio, Outbound) simply never match. */
  private List<String> filter(String field, List<String> given) {
    if (given == null || given.isEmpty()) {
      return null;
    }
    var values = new ArrayList<String>();
    for (int i = 0; i < given.size(); i++) {
      String value = given.get(i);
      if (value == null || value.isBlank() || value.length() > MAX_FILTER_VALUE) {
        throw ApiException.invalid(field + "[" + i + "]", "value", "must be 1 to " + MAX_FILTER_VALUE + " characters");
      }
      if (!values.contains(value.trim())) {
        values.add(value.trim());
      }
    }
    if (jsonLength(values) > MAX_FILTER_JSON) {
      throw ApiException.invalid(field, "maxLength", "too many values");
    }
    return List.copyOf(values);
  }

  String url(String given) {
    if (given == null || given.isBlank()) {
      throw ApiException.invalid("config.url", "required", "is required");
    }
    String url = given.trim();
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw ApiException.invalid("config.url", "url", "must be an absolute http or https URL");
    }
    String scheme = uri.getScheme();
    if (!uri.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
      throw ApiException.invalid("config.url", "url", "must be an absolute http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      // the HTTP client would not send them: refuse rather than fail every delivery with 401
      throw ApiException.invalid("config.url", "url", "must not carry a user name or password");
    }
    if (url.length() > MAX_URL) {
      throw ApiException.invalid("config.url", "maxLength", "must be at most " + MAX_URL + " characters");
    }
    String refusal = targets.refusal(url);
    if (refusal != null) {
      throw ApiException.invalid("config.url", "allowedTarget", refusal);
    }
    return url;
  }

  private int jsonLength(List<String> values) {
    return json.write(values).length();
  }
}
