package dev.cumulus.routing;

import dev.cumulus.directory.ServiceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Re-runs matching for every service with waiting tasks, on every node, one service per short
 * transaction. Matching normally happens the moment something changes; this catches what no event
 * announces, such as a refusal cooldown running out. Aging and window updates of a service take its
 * sweep lock (the routing_lock row), so two nodes do not rewrite the same queue rows at once; the
 * matching itself takes row locks only, as everywhere.
 */
@Component
class DistributionSweeper {

  private static final Logger log = LoggerFactory.getLogger(DistributionSweeper.class);

  private final QueueStore queue;
  private final ServiceStore services;
  private final QueueKeeper keeper;
  private final AfterCommitMatching matching;
  private final TransactionTemplate transaction;

  DistributionSweeper(
      QueueStore queue, ServiceStore services, QueueKeeper keeper, AfterCommitMatching matching, TransactionTemplate transaction) {
    this.queue = queue;
    this.services = services;
    this.keeper = keeper;
    this.matching = matching;
    this.transaction = transaction;
  }

  @Scheduled(fixedDelayString = "${cumulus.distribution.sweep-interval:PT5S}", initialDelayString = "${cumulus.distribution.sweep-interval:PT5S}")
  void sweep() {
    for (String service : queue.servicesWithQueuedTasks()) {
      try {
        // aging and windows under the service's sweep lock (every node sweeps); the matching after it
        // locks only what each offer changes, like any other
        transaction.executeWithoutResult(status -> {
          services.lock(service);
          keeper.refreshQueue(service);
        });
        int made = matching.matchService(service, "sweep");
        if (made > 0) {
          log.info("sweep offered {} waiting task(s) of {}", made, service);
        }
      } catch (RuntimeException e) {
        log.warn("sweep of {} failed, next round retries: {}", service, e.getMessage());
      }
    }
  }
}
