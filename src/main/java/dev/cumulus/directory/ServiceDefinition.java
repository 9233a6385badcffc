package dev.cumulus.directory;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.OffsetDateTime;
import java.util.List;

/** A service: a queue with its members and distribution settings. Identified by its UPN. */
public record ServiceDefinition(
    String upn,
    String id,
    String displayName,
    String description,
    int ronaTimeoutSeconds,
    int acwSeconds,
    int maxConcurrentTasks,
    String processKey,
    int openTasks,
    List<String> members,
    @JsonUnwrapped DistributionSettings distribution,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final int DEFAULT_RONA_TIMEOUT_SECONDS = 20;
  public static final int DEFAULT_ACW_SECONDS = 20;
  public static final int DEFAULT_MAX_CONCURRENT_TASKS = 1000;
  public static final String DEFAULT_PROCESS_KEY = "ExternalTaskProcess";

  /** A service with the default distribution settings. */
  public ServiceDefinition(
      String upn, String id, String displayName, String description, int ronaTimeoutSeconds, int acwSeconds,
      int maxConcurrentTasks, String processKey, int openTasks, List<String> members, OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {
    this(upn, id, displayName, description, ronaTimeoutSeconds, acwSeconds, maxConcurrentTasks, processKey, openTasks, members,
        DistributionSettings.DEFAULTS, createdAt, updatedAt);
  }

  public DistributionSettings settings() {
    return distribution == null ? DistributionSettings.DEFAULTS : distribution;
  }
}
