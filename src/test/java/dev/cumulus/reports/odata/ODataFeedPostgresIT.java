package dev.cumulus.reports.odata;

import dev.cumulus.support.PostgresServer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same reads on a real PostgreSQL server (postgres profile): its driver streams the pages only
 * within a transaction, and it orders text by its collation, not as Java does.
 */
@ActiveProfiles("postgres")
// a database of its own: a cached context would only hold its connections
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ODataFeedPostgresIT extends ODataFeedIT {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    PostgresServer.useFreshDatabase(registry);
  }
}
