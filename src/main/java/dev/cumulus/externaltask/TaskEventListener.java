package dev.cumulus.externaltask;

/**
 * Told of every task event inside the transaction that made the change, so what it writes (the
 * webhook outbox, the metrics) commits or rolls back with the change itself.
 */
public interface TaskEventListener {

  void onTaskEvent(TaskEvent event, ExternalTask task);
}
