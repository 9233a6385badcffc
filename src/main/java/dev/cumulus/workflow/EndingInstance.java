package dev.cumulus.workflow;

/**
 * Marks, on the current thread, the process instance whose end is being handled: variables can no
 * longer be written to it.
 */
final class EndingInstance {

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private EndingInstance() {}

  static void run(String processInstanceId, Runnable action) {
    String before = CURRENT.get();
    CURRENT.set(processInstanceId);
    try {
      action.run();
    } finally {
      CURRENT.set(before);
    }
  }

  static boolean is(String processInstanceId) {
    return processInstanceId.equals(CURRENT.get());
  }
}
