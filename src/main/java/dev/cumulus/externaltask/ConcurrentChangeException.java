package dev.cumulus.externaltask;

/**
 * The workflow engine found that another transaction changed the same process instance at the same
 * moment (for example an agent's answer racing a timer). Nothing was changed; reading the task again
 * shows what won.
 */
public class ConcurrentChangeException extends RuntimeException {

  public ConcurrentChangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
