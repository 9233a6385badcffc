package dev.cumulus.lifecycle;

import dev.cumulus.externaltask.PreferredUser;
import java.util.List;

/** The connector's ExternalTaskWriteResult, exactly its fields (GET the task for its state). */
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
    List<PreferredUser> preferredUsers) {}
