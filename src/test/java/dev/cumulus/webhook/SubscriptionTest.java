package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cumulus.externaltask.ExternalTask;
import dev.cumulus.externaltask.TaskEvent;
import dev.cumulus.externaltask.TaskEventType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

  private static final String SUPPORT = "support@contoso.com";
  private static final String SALES = "sales@contoso.com";

  private final ExternalTask task = TaskEventPayloadsTest.task().build(); // a task of SUPPORT

  @Test
  void matchesItsServicesAndEvents() {
    var created = event(TaskEventType.Created, Map.of());

    assertThat(subscription(List.of(SUPPORT), List.of("Created", "Queued")).matches(created, task)).isTrue();
    assertThat(subscription(List.of(SUPPORT), List.of("Queued")).matches(created, task)).isFalse();
    assertThat(subscription(List.of(SALES), List.of("Created")).matches(created, task)).isFalse();
  }

  @Test
  void filtersByModalityAndDirectionOnlyWhenGiven() {
    var created = event(TaskEventType.Created, Map.of());

    assertThat(filtered(List.of(), List.of()).matches(created, task)).isTrue();
    assertThat(filtered(List.of("Audio", "ExternalTask"), List.of("Inbound")).matches(created, task)).isTrue();
    assertThat(filtered(List.of("Audio"), null).matches(created, task)).isFalse();
    assertThat(filtered(null, List.of("Outbound")).matches(created, task)).isFalse();
  }

  @Test
  void tellsTheOldServiceThatItsTaskWasTransferredAway() {
    var transferred = event(TaskEventType.Transferred, Map.of("from", SALES, "to", SUPPORT));
    var queued = event(TaskEventType.Queued, Map.of("from", SALES));

    assertThat(subscription(List.of(SALES), List.of("Transferred")).matches(transferred, task)).isTrue();
    assertThat(subscription(List.of(SALES), List.of("Queued")).matches(queued, task)).isFalse();
  }

  private TaskEvent event(TaskEventType type, Map<String, String> detail) {
    return new TaskEvent(1, task.id(), type, task.state(), OffsetDateTime.now(), TaskEvent.SYSTEM, detail);
  }

  private static Subscription subscription(List<String> services, List<String> events) {
    return new Subscription("id", "https://example.com/hook", services, events, null, null, "admin", OffsetDateTime.now());
  }

  private static Subscription filtered(List<String> modalities, List<String> directions) {
    return new Subscription(
        "id", "https://example.com/hook", List.of(SUPPORT), List.of("Created"), modalities, directions, "admin", OffsetDateTime.now());
  }
}
