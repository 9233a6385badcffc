package dev.cumulus.reports;

import dev.cumulus.support.PostgresServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The reports' property test on a real PostgreSQL server (see {@link ReportFiguresProperty}). */
@ActiveProfiles("postgres")
// each class has a database of its own: a cached context would only hold its connections
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.reports.feed-enabled=false",
      // the generated tasks have no process instances: no sweeper or repair may act on them
      "cumulus.distribution.sweep-interval=PT1H", "cumulus.distribution.repair-interval=PT1H",
      "cumulus.reports.feed-batch=40"
    })
class ReportFiguresPostgresIT extends ReportFiguresProperty {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    PostgresServer.useFreshDatabase(registry);
  }

  @Override
  int fixedSeeds() {
    return 10;
  }
}
