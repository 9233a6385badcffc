package dev.cumulus.externaltask;

import java.time.OffsetDateTime;
import java.util.List;

/** One external task as stored in Cumulus's tables. */
public record ExternalTask(
    String id,
    long seq,
    String serviceUpn,
    TaskState state,
    DistributionPriority priority,
    String customerIdentifier,
    String title,
    String description,
    Customer customer,
    List<ContextParameter> contextParameters,
    List<PreferredUser> preferredUsers,
    OffsetDateTime createdAt,
    OffsetDateTime enqueuedAt,
    OffsetDateTime expiresAt,
    OffsetDateTime terminatedAt,
    String assignedUserUpn,
    String lastConnectedUserUpn,
    Outcome outcome,
    String processInstanceId,
    String createdBy) {

  public boolean isAnonymous() {
    return customerIdentifier == null || customerIdentifier.isBlank();
  }

  public int preferenceOf(String userUpn) {
    return preferredUsers.stream()
        .filter(p -> p.upn().equalsIgnoreCase(userUpn))
        .mapToInt(PreferredUser::effectivePriority)
        .min()
        .orElse(Integer.MAX_VALUE);
  }
}
