package dev.cumulus.security;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The engine's doors on H2. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:engine-doors-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class EngineDoorsIT extends EngineDoorsCases {

  @LocalServerPort int port;

  @Override
  String base() {
    return "http://127.0.0.1:" + port;
  }
}
