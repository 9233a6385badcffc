package dev.cumulus.lifecycle;

import dev.cumulus.web.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.List;

/**
 * The answer of a bulk create: one result per item, in the order of the request, and how many were
 * created, replayed and refused.
 */
public record BulkCreateResult(int created, int replayed, int refused, List<Item> items) {

  /**
   * One item's outcome: 201 created or 200 replayed (its Idempotency-Key answered before) with the
   * task, or the status and problem that a single AddExternalTask with this body would have answered.
   */
  public record Item(
      @Schema(description = "position of the item in the request, from 0") int index,
      @Schema(description = "201 created, 200 replayed, or the refusal's 4xx (429: a fair-use limit)") int status,
      @Schema(description = "the task's id, when created or replayed") String id,
      @Schema(description = "what AddExternalTask answers for it, when created or replayed") ExternalTaskWriteResult task,
      @Schema(description = "why it was refused; its fields are named items[index].field") ItemProblem problem) {

    static Item created(int index, TaskIntake.Created created) {
      return new Item(index, created.replayed() ? 200 : 201, created.result().id(), created.result(), null);
    }

    static Item refused(int index, ItemProblem problem) {
      return new Item(index, problem.status(), null, null, problem);
    }

    boolean ok() {
      return problem == null;
    }
  }

  /** An RFC 9457 problem, as a refused single create answers it, for one item. */
  public record ItemProblem(
      URI type, String title, int status, String detail, List<ApiException.FieldError> errors, Long retryAfterSeconds) {}

  static BulkCreateResult of(List<Item> items) {
    int created = (int) items.stream().filter(i -> i.status() == 201).count();
    int replayed = (int) items.stream().filter(i -> i.ok() && i.status() == 200).count();
    return new BulkCreateResult(created, replayed, items.size() - created - replayed, items);
  }
}
