package dev.cumulus.reports;

import org.springframework.boot.test.context.SpringBootTest;

/** The reports' property test on H2 (see {@link ReportFiguresProperty}). */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:report-figures-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false",
      "cumulus.reports.feed-enabled=false",
      // the generated tasks have no process instances: no sweeper or repair may act on them
      "cumulus.distribution.sweep-interval=PT1H", "cumulus.distribution.repair-interval=PT1H",
      // small batches: a wave is read in several, and late rows fall between them
      "cumulus.reports.feed-batch=40"
    })
class ReportFiguresIT extends ReportFiguresProperty {

  @Override
  int fixedSeeds() {
    return 25;
  }
}
