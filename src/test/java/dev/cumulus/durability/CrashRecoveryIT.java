package dev.cumulus.durability;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.support.Api;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "An accepted request is durable": the packaged application, on its default H2 file database, is
 * killed with SIGKILL while tasks wait in a queue, then started again on the same files. Every
 * acknowledged task is there, in the same queue order, with its process instance waiting where it was.
 */
class CrashRecoveryIT {

  @TempDir Path workDir;
  private Process app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.destroyForcibly();
    }
  }

  @Test
  void killNineLosesNoAcknowledgedTask() throws Exception {
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    app = start(port, "first");
    var flow = Api.flow(base);
    var ids = new ArrayList<String>();
    String[] priorities = {"Low", "Normal", "High", "Strict", "Normal"};
    for (int i = 0; i < 25; i++) {
      var r = flow.post("/v1/ExternalTasks", map("serviceUpn", "sales@contoso.com", "distributionPriority", priorities[i % 5], "customerIdentifier", "C-" + i));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      ids.add(r.text("id"));
    }
    List<Long> positionsBefore = positions(flow, ids);
    assertThat(positionsBefore).doesNotContainNull().doesNotHaveDuplicates();

    // SIGKILL right after the last acknowledgement: no shutdown hook, no flush
    app.destroyForcibly().waitFor();
    app = start(port, "second");

    assertThat(positions(flow, ids)).isEqualTo(positionsBefore);
    var admin = Api.admin(base);
    for (String id : ids) {
      JsonNode task = flow.get("/v1/ExternalTasks/" + id).body();
      assertThat(task.path("state").asText()).isEqualTo("Queued");
      String instance = task.path("processInstanceId").asText();
      var waiting = admin.get("/engine-rest/execution?processInstanceId=" + instance + "&activityId=Task_WithAgents");
      assertThat(waiting.body().size()).as("instance of " + id + " waits for an agent").isEqualTo(1);
    }

    // and the restarted node serves them: the first in queue order goes to the first agent available
    String first = ids.get(positionsBefore.indexOf(1L));
    var carol = Api.user(base, "carol@contoso.com", "demo");
    assertThat(carol.put("/v1/users/carol@contoso.com/state", map("presence", "Available")).status()).isEqualTo(200);
    assertThat(flow.get("/v1/ExternalTasks/" + first).text("assignedUserUpn")).isEqualTo("carol@contoso.com");
  }

  private List<Long> positions(Api flow, List<String> ids) {
    var positions = new ArrayList<Long>();
    for (String id : ids) {
      var r = flow.get("/v1/ExternalTasks/" + id);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      positions.add(r.body().has("queuePosition") ? r.body().path("queuePosition").asLong() : null);
    }
    return positions;
  }

  private Process start(int port, String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    var command =
        List.of(
            java, "-Xmx512m", "-jar", jar().toAbsolutePath().toString(),
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--logging.level.root=warn");
    command = Stream.concat(command.stream(), Api.secrets().stream()).toList();
    File log = workDir.resolve(name + ".log").toFile();
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log).start();
    var health = Api.anonymous("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the application died: " + Files.readString(log.toPath()));
      }
      try {
        if (health.get("/actuator/health").status() == 200) {
          return process;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the application did not start in 120 s: " + Files.readString(log.toPath()));
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
