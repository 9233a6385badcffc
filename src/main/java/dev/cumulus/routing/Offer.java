package dev.cumulus.routing;

/** An offer made to an agent, and the rule that chose that agent. */
public record Offer(String taskId, String userUpn, int ronaTimeoutSeconds, String rule, boolean broadcast) {

  public static final String RULE_PREFERRED = "preferredUser";
  public static final String RULE_LONGEST_IDLE = "longestIdle";
  public static final String RULE_ROUND_ROBIN = "roundRobin";
  public static final String RULE_LEAST_BUSY = "leastBusy";
  public static final String RULE_BROADCAST = "broadcast";
  public static final String RULE_PICKUP = "pickup";
  public static final String RULE_AGENT_FREED = "nextForFreedAgent";
  /** An agent who freed up joined a Broadcast round that runs with fewer agents than its size. */
  public static final String RULE_BROADCAST_JOINED = "joinedBroadcast";
}
