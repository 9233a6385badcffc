package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.Customer;
import dev.cumulus.externaltask.PreferredUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The connector's TaskInformation (UpdateTask): a given customer replaces the stored one, context
 * parameters are merged by name, given preferred users replace the stored ones.
 */
public record TaskInformation(
    @Valid Customer customer,
    List<@Valid @NotNull ContextParameter> customContextParameters,
    @Size(max = PreferredUser.MAX_PER_TASK) List<@Valid @NotNull PreferredUser> preferredUsers) {}
