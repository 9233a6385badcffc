package dev.cumulus.directory;

/**
 * Hears the directory's changes of who may take which task, inside the transaction that makes them.
 * Routing implements it (it matches after that transaction commits): routing knows the directory, the
 * directory does not know routing.
 */
public interface AvailabilityListener {

  /** The agent may take more now: saved, Available, on duty, RONA flags reset. */
  void agentFreed(String userUpn);

  /** The agent can no longer take tasks soon: Offline or off duty; preferred-user windows that waited only for them open. */
  void agentGone(String userUpn);

  /** A service's settings or members changed: windows that waited only for members who left open, and the service is matched. */
  void serviceChanged(String serviceUpn);
}
