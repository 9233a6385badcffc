package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.PreferredUser;
import java.util.List;

/** The connector's ExternalTaskWriteResult, plus the task's state and lifetime. */
public record ExternalTaskWriteResult(
    String id,
    String modality,
    String created,
    String type,
    boolean isAnonymous,
    String serviceId,
    String serviceName,
    String serviceDescription,
    String serviceDisplayName,
    String serviceUPN,
    String serviceTelNumber,
    List<PreferredUser> preferredUsers,
    String state,
    String expiresAt) {}
