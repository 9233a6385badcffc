package dev.cumulus.security;

import dev.cumulus.support.PostgresServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The engine's doors on a real PostgreSQL server, with the postgres profile as in production. */
@ActiveProfiles("postgres")
// each class has a database of its own: a cached context would only hold its connections
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"cumulus.demo.enabled=false", "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"})
class EngineDoorsPostgresIT extends EngineDoorsCases {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    PostgresServer.useFreshDatabase(registry);
  }

  @LocalServerPort int port;

  @Override
  String base() {
    return "http://127.0.0.1:" + port;
  }
}
