package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.directory.ServiceDefinition;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.Outcome;
import dev.cumulus.externaltask.PreferredUser;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import dev.cumulus.externaltask.TaskState;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskEventPayloadsTest {

  // a plain mapper: the payload must not depend on the application's Jackson settings
  private final ObjectMapper mapper = new ObjectMapper();

  private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 31, 17, 0, 0, 0, ZoneOffset.UTC);

  // the properties of TaskEventData in the connector file (luware-nimbus.apiDefinition.swagger.json)
  private static final List<String> CONNECTOR_FIELDS =
      List.of(
          "taskId", "callChainId", "tenantId", "event", "direction", "modality", "created", "terminated",
          "lastConnectedUserId", "LastConnectedUserUPN", "LastConnectedUserEmail", "microsoftCallerId", "referenceId",
          "callerId", "callerTelNumber", "callerUPN", "microsoftDestinationId", "destinationId", "destinationTelNumber",
          "destinationUPN", "acsId", "isAnonymous", "customerIdentifier", "initialMessage", "serviceId", "serviceName",
          "serviceDescription", "serviceDisplayName", "serviceUPN", "serviceTelNumber", "emailSubject",
          "emailBodyUniqueRichText", "emailBodyUniquePlainText", "emailServiceMailboxUPN", "outboundAttempt",
          "updatedParameterName", "updatedParameterValue", "taskInformation");

  @Test
  void fillsTheConnectorFieldsOfAnExternalTask() throws Exception {
    // given
    var task =
        task()
            .state(TaskState.Completed)
            .customerIdentifier("C-42")
            .lastConnectedUser("alice@contoso.com")
            .terminatedAt(OffsetDateTime.of(2026, 1, 31, 18, 30, 5, 123_000_000, ZoneOffset.ofHours(1)))
            .build();
    var event = new TaskEvent(17, task.id(), TaskEventType.Completed, TaskState.Completed, CREATED.plusHours(1), "alice@contoso.com", Map.of());

    // when
    JsonNode json = toJson(TaskEventPayloads.of(event, task, service()));

    // then
    assertThat(json.get("taskId").asText()).isEqualTo(task.id());
    assertThat(json.get("event").asText()).isEqualTo("Completed");
    assertThat(json.get("direction").asText()).isEqualTo("Inbound");
    assertThat(json.get("modality").asText()).isEqualTo("ExternalTask");
    assertThat(json.get("created").asText()).isEqualTo("2026-01-31T17:00:00Z");
    assertThat(json.get("terminated").asText()).isEqualTo("2026-01-31T17:30:05.123Z");
    assertThat(json.get("lastConnectedUserId").asText()).isEqualTo("alice@contoso.com");
    assertThat(json.get("LastConnectedUserUPN").asText()).isEqualTo("alice@contoso.com");
    assertThat(json.get("LastConnectedUserEmail").asText()).isEqualTo("alice@contoso.com");
    assertThat(json.get("isAnonymous").asBoolean()).isFalse();
    assertThat(json.get("customerIdentifier").asText()).isEqualTo("C-42");
    assertThat(json.get("serviceId").asText()).isEqualTo("7d0c7f0e-0000-4000-8000-000000000001");
    assertThat(json.get("serviceName").asText()).isEqualTo("support@contoso.com");
    assertThat(json.get("serviceUPN").asText()).isEqualTo("support@contoso.com");
    assertThat(json.get("serviceDisplayName").asText()).isEqualTo("Support");
    assertThat(json.get("serviceDescription").asText()).isEqualTo("First-level support");
  }

  @Test
  void addsTheEventsStateTimeIdAndActorToTheConnectorFields() throws Exception {
    // given an event with a state, a time, an ID and an actor
    var task = task().state(TaskState.Completed).lastConnectedUser("alice@contoso.com").build();
    var event = new TaskEvent(17, task.id(), TaskEventType.Completed, TaskState.Completed,
        OffsetDateTime.of(2026, 1, 31, 19, 0, 1, 250_000_000, ZoneOffset.ofHours(1)), "alice@contoso.com", Map.of());

    // when
    JsonNode json = toJson(TaskEventPayloads.of(event, task, service()));
    JsonNode trimmed = toJson(TaskEventPayloads.of(event, task, service()).withoutContextParameters());

    // then the payload carries them (docs/api.md, "Webhooks"), and nothing else the connector file does not declare
    for (JsonNode payload : List.of(json, trimmed)) {
      assertThat(payload.get("state").asText()).isEqualTo("Completed");
      assertThat(payload.get("occurredAt").asText()).isEqualTo("2026-01-31T18:00:01.250Z");
      assertThat(payload.get("eventId").isTextual()).as("a string, as docs/connector's TaskEventData declares it").isTrue();
      assertThat(payload.get("eventId").asText()).isEqualTo("17");
      assertThat(payload.get("actor").asText()).isEqualTo("alice@contoso.com");
      var undeclared = new ArrayList<>(fieldNames(payload));
      undeclared.removeAll(CONNECTOR_FIELDS);
      assertThat(undeclared).containsExactlyInAnyOrder("state", "occurredAt", "eventId", "actor");
    }
  }

  @Test
  void carriesTheTaskInformationInTheConnectorShape() throws Exception {
    // given
    var customer = new Customer("Ada", "Lovelace", null, null, null, null, null, null, null, null, null, null, null, "ada@example.com", null, null, null);
    var task =
        task()
            .customer(customer)
            .contextParameters(List.of(new ContextParameter("orderId", "A-1")))
            .preferredUsers(List.of(new PreferredUser("bob@contoso.com", 2)))
            .build();

    // when
    JsonNode info = toJson(TaskEventPayloads.of(event(task, TaskEventType.Created, Map.of()), task, service())).get("taskInformation");

    // then
    assertThat(info.get("customer").get("firstName").asText()).isEqualTo("Ada");
    assertThat(info.get("customer").get("UPN").asText()).isEqualTo("ada@example.com");
    assertThat(info.get("customContextParameters").get(0).get("name").asText()).isEqualTo("orderId");
    assertThat(info.get("customContextParameters").get(0).get("value").asText()).isEqualTo("A-1");
    assertThat(info.get("preferredUsers").get(0).get("upn").asText()).isEqualTo("bob@contoso.com");
    assertThat(info.get("preferredUsers").get(0).get("priority").asInt()).isEqualTo(2);
  }

  @Test
  void namesTheUpdatedParameter() throws Exception {
    var task = task().build();
    var event = event(task, TaskEventType.Updated, Map.of("parameterName", "orderId", "parameterValue", "A-2"));

    JsonNode json = toJson(TaskEventPayloads.of(event, task, service()));

    assertThat(json.get("updatedParameterName").asText()).isEqualTo("orderId");
    assertThat(json.get("updatedParameterValue").asText()).isEqualTo("A-2");
  }

  @Test
  void namesTheAgentARonaSetAwayAndNobodyForARonaThatDidNot() throws Exception {
    var task = task().state(TaskState.Queued).build();
    var setAway = new TaskEvent(6, task.id(), TaskEventType.Rona, TaskState.Queued, CREATED, "system",
        Map.of("userUpn", "bob@contoso.com", "presence", "Away", "presenceReason", "missedOffer"));
    var keptAsTheyWere = new TaskEvent(7, task.id(), TaskEventType.Rona, TaskState.Queued, CREATED, "system", Map.of("userUpn", "bob@contoso.com"));

    JsonNode away = toJson(TaskEventPayloads.of(setAway, task, service()));
    JsonNode plain = toJson(TaskEventPayloads.of(keptAsTheyWere, task, service()));

    assertThat(away.get("event").asText()).isEqualTo("Rona");
    assertThat(away.get("updatedParameterName").asText()).isEqualTo("agentSetAway");
    assertThat(away.get("updatedParameterValue").asText()).isEqualTo("bob@contoso.com");
    assertThat(plain.has("updatedParameterName")).isFalse();
    assertThat(plain.has("updatedParameterValue")).isFalse();
  }

  @Test
  void carriesANotificationsNameAndMessageInTheUpdatedParameterFields() throws Exception {
    var task = task().build();
    var event = new TaskEvent(5, task.id(), TaskEventType.Notified, TaskState.Queued, CREATED, "system",
        Map.of("notification", "AllAgentsBusy", "message", "every agent is busy"));
    JsonNode json = toJson(TaskEventPayloads.of(event, task, service()));
    assertThat(json.get("event").asText()).isEqualTo("Notified");
    assertThat(json.get("updatedParameterName").asText()).isEqualTo("AllAgentsBusy");
    assertThat(json.get("updatedParameterValue").asText()).isEqualTo("every agent is busy");
  }

  @Test
  void omitsWhatTheTaskDoesNotHave() throws Exception {
    // given an anonymous task, never connected, still open, and an event without parameter detail
    var task = task().build();

    // when
    JsonNode json = toJson(TaskEventPayloads.of(event(task, TaskEventType.Queued, Map.of("userUpn", "x")), task, service()));

    // then no nulls are written
    assertThat(fieldNames(json))
        .doesNotContain(
            "terminated", "lastConnectedUserId", "LastConnectedUserUPN", "LastConnectedUserEmail", "customerIdentifier",
            "updatedParameterName", "updatedParameterValue");
    assertThat(json.get("isAnonymous").asBoolean()).isTrue();
    assertThat(fieldNames(json.get("taskInformation"))).doesNotContain("customer");
    assertThat(json.toString()).doesNotContain("null");
  }

  @Test
  void namesTheServiceByItsUpnWhenTheServiceCannotBeRead() throws Exception {
    var task = task().build();

    JsonNode json = toJson(TaskEventPayloads.of(event(task, TaskEventType.Created, Map.of()), task, null));

    assertThat(json.get("serviceUPN").asText()).isEqualTo("support@contoso.com");
    assertThat(json.get("serviceName").asText()).isEqualTo("support@contoso.com");
    assertThat(fieldNames(json)).doesNotContain("serviceId", "serviceDisplayName", "serviceDescription");
  }

  @Test
  void dropsOnlyTheContextParametersWhenThePayloadIsTooLarge() throws Exception {
    var task = task().contextParameters(List.of(new ContextParameter("a", "b"))).preferredUsers(List.of(new PreferredUser("bob@contoso.com", null))).build();

    JsonNode json = toJson(TaskEventPayloads.of(event(task, TaskEventType.Created, Map.of()), task, service()).withoutContextParameters());

    assertThat(fieldNames(json.get("taskInformation"))).containsExactly("preferredUsers");
    assertThat(json.get("taskId").asText()).isEqualTo(task.id());
  }

  private JsonNode toJson(TaskEventData data) throws Exception {
    return mapper.readTree(mapper.writeValueAsString(data));
  }

  private static List<String> fieldNames(JsonNode node) {
    var names = new ArrayList<String>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static TaskEvent event(ExternalTask task, TaskEventType type, Map<String, String> detail) {
    return new TaskEvent(1, task.id(), type, task.state(), CREATED, TaskEvent.SYSTEM, detail);
  }

  private static ServiceDefinition service() {
    return new ServiceDefinition(
        "support@contoso.com", "7d0c7f0e-0000-4000-8000-000000000001", "Support", "First-level support", 20, 20, 1000,
        "ExternalTaskProcess", 0, List.of(), CREATED, CREATED);
  }

  static TaskBuilder task() {
    return new TaskBuilder();
  }

  /** An open, anonymous task of support@contoso.com with defaults for everything else. */
  static final class TaskBuilder {
    private TaskState state = TaskState.Queued;
    private String customerIdentifier;
    private Customer customer;
    private List<ContextParameter> contextParameters = List.of();
    private List<PreferredUser> preferredUsers = List.of();
    private OffsetDateTime terminatedAt;
    private String lastConnectedUser;

    TaskBuilder state(TaskState state) {
      this.state = state;
      return this;
    }

    TaskBuilder customerIdentifier(String customerIdentifier) {
      this.customerIdentifier = customerIdentifier;
      return this;
    }

    TaskBuilder customer(Customer customer) {
      this.customer = customer;
      return this;
    }

    TaskBuilder contextParameters(List<ContextParameter> contextParameters) {
      this.contextParameters = contextParameters;
      return this;
    }

    TaskBuilder preferredUsers(List<PreferredUser> preferredUsers) {
      this.preferredUsers = preferredUsers;
      return this;
    }

    TaskBuilder terminatedAt(OffsetDateTime terminatedAt) {
      this.terminatedAt = terminatedAt;
      return this;
    }

    TaskBuilder lastConnectedUser(String upn) {
      this.lastConnectedUser = upn;
      return this;
    }

    ExternalTask build() {
      return new ExternalTask(
          "5f1d3c52-9a0e-4b8e-8c1e-2f6f3f1d2a10", 1, "support@contoso.com", state, DistributionPriority.Normal,
          customerIdentifier, null, null, customer, contextParameters, preferredUsers, CREATED, CREATED, CREATED.plusDays(1),
          terminatedAt, null, lastConnectedUser, state.isTerminal() ? Outcome.Handled : null, null, "flow:demo…");
    }
  }
}
