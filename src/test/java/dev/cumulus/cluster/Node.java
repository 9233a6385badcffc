package dev.cumulus.cluster;

import static org.awaitility.Awaitility.await;

import dev.cumulus.support.Api;
import dev.cumulus.support.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * One Cumulus node: the packaged jar in a child process on the postgres profile, with short job
 * locks so that a killed node's timers are taken over within seconds. {@link #kill()} is SIGKILL.
 * Public for the suites of other packages that need real nodes (console.PagesTwoNodesIT).
 */
public final class Node implements AutoCloseable {

  public final String name;
  public final int port;
  public final String base;
  private final Process process;
  private final Path log;
  private volatile boolean killed;

  private Node(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.process = process;
    this.log = log;
  }

  /** Starts the node; call {@link #awaitHealthy()} before using it. */
  public static Node start(String name, PostgresServer.Database db, Path workDir) throws IOException {
    return start(name, db, workDir, List.of());
  }

  /** Starts the node with extra command-line settings ({@code --key=value}) after the usual ones. */
  public static Node start(String name, PostgresServer.Database db, Path workDir, List<String> settings) throws IOException {
    int port = freePort();
    Path dir = Files.createDirectories(workDir.resolve(name));
    Path log = dir.resolve(name + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    var command =
        List.of(
            java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toAbsolutePath().toString(),
            "--spring.profiles.active=postgres",
            "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password(),
            "--cumulus.demo.enabled=false",
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--camunda.bpm.job-execution.lock-time-in-millis=10000",
            "--camunda.bpm.job-execution.max-wait=2000",
            "--logging.level.root=warn");
    command = Stream.of(command, Api.secrets(), settings).flatMap(List::stream).toList();
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Node(name, port, process, log);
  }

  /** Waits until /actuator/health answers 200; fails at once when the process dies. */
  public Node awaitHealthy() {
    var health = Api.anonymous(base);
    await("node " + name + " healthy")
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("node " + name + " died: " + logText());
              }
              try {
                return health.get("/actuator/health").status() == 200;
              } catch (RuntimeException notYet) {
                return false;
              }
            });
    return this;
  }

  /** SIGKILL: no shutdown hook, no graceful close of connections or job locks. */
  void kill() throws InterruptedException {
    killed = true;
    process.destroyForcibly().waitFor();
  }

  boolean killed() {
    return killed;
  }

  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keeps the node's log (warnings and errors) for a look after the run. */
  public void saveLog(Path dir) throws IOException {
    if (Files.exists(log)) {
      Files.createDirectories(dir);
      Files.copy(log, dir.resolve(name + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name;
  }

  private static Path jar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("cumulus-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("run the package phase first (./mvnw verify does)"));
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
