package dev.cumulus.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A real PostgreSQL server for *IT suites. CI starts Debian's PostgreSQL and names it in
 * CUMULUS_IT_POSTGRES_URL / _USER / _PASSWORD; anywhere else an embedded server (PostgreSQL binaries
 * shipped as a Maven artifact) starts once per test JVM. Each caller gets a fresh database.
 */
public final class PostgresServer {

  /** Where a fresh database lives. */
  public record Database(String url, String user, String password) {}

  private static EmbeddedPostgres embedded;

  private PostgresServer() {}

  public static synchronized Database freshDatabase() {
    String url = System.getenv("CUMULUS_IT_POSTGRES_URL");
    String user;
    String password;
    String adminUrl;
    if (url != null && !url.isBlank()) {
      user = System.getenv().getOrDefault("CUMULUS_IT_POSTGRES_USER", "cumulus");
      password = System.getenv().getOrDefault("CUMULUS_IT_POSTGRES_PASSWORD", "cumulus");
      adminUrl = url;
    } else {
      if (embedded == null) {
        try {
          embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(PostgresServer::stopEmbedded));
      }
      user = "postgres";
      password = "postgres";
      adminUrl = embedded.getJdbcUrl("postgres", "postgres");
    }
    String name = "cumulus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(adminUrl, user, password)) {
      c.createStatement().execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + adminUrl, e);
    }
    String base = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
    String query = adminUrl.contains("?") ? adminUrl.substring(adminUrl.indexOf('?')) : "";
    return new Database(base + name + query, user, password);
  }

  /** Points a Spring Boot test at a fresh database (from its {@code @DynamicPropertySource}). */
  public static void useFreshDatabase(org.springframework.test.context.DynamicPropertyRegistry registry) {
    var db = freshDatabase();
    registry.add("spring.datasource.url", db::url);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
  }

  private static void stopEmbedded() {
    try {
      if (embedded != null) {
        embedded.close();
      }
    } catch (IOException ignored) {
      // the JVM ends anyway
    }
  }
}
