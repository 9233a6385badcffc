package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.PreferredUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;

/** The connector's ExternalTaskWriteDto, plus our extensions expiresAt, title and description. */
public record AddExternalTaskRequest(
    @NotBlank @Size(max = 128) String serviceUpn,
    @Size(max = 128) String customerIdentifier,
    @Valid Customer customer,
    List<@Valid @NotNull ContextParameter> customContextParameters,
    String distributionPriority,
    @Size(max = PreferredUser.MAX_PER_TASK) List<@Valid @NotNull PreferredUser> preferredUsers,
    OffsetDateTime expiresAt,
    @Size(max = 256) String title,
    @Size(max = 4000) String description) {

  public List<ContextParameter> contextParametersOrEmpty() {
    return customContextParameters == null ? List.of() : customContextParameters;
  }

  public List<PreferredUser> preferredUsersOrEmpty() {
    return preferredUsers == null ? List.of() : preferredUsers;
  }
}
