package dev.cumulus.console;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.cluster.Node;
import dev.cumulus.support.Api;
import dev.cumulus.support.PostgresServer;
import dev.cumulus.support.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live pages with two real nodes (the packaged jar, twice) on one PostgreSQL database: an agent
 * and their supervisor follow their streams on node B while everything happens through node A's REST
 * API (presence, a task created by a flow, accepted, completed). Nothing is written to the database
 * by the test: B learns every change only from the rows A committed, through its poller (B's
 * periodic full refresh is set to 10 minutes, so it cannot stand in for the poller). Each change must
 * reach B's streams, with the right content, within {@link #AT_MOST}; the delays from the call on A
 * to the state on B are printed in one line.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PagesTwoNodesIT {

  private static final Duration AT_MOST = Duration.ofSeconds(10);

  @TempDir Path workDir;

  private Node a;
  private Node b;
  private String runName = "unnamed";
  private final Map<String, Long> delays = new LinkedHashMap<>();

  @AfterEach
  void stopNodes() throws Exception {
    for (Node node : new Node[] {b, a}) {
      if (node != null) {
        node.close();
        node.saveLog(Path.of("target", "pages-two-nodes-it", runName));
      }
    }
  }

  @Test
  void changesMadeThroughNodeAReachThePagesStreamedByNodeB() throws Exception {
    // given: A alone on the empty database (schema and migrations), then B, while A gets the setup
    long t0 = System.nanoTime();
    var db = PostgresServer.freshDatabase();
    runName = db.url().replaceAll("^.*/([^/?]+).*$", "$1");
    a = Node.start("A", db, workDir).awaitHealthy();
    // B's pages get a state only from its poller: the periodic full refresh (10 s by default) is
    // pushed out of the test's reach, so it cannot deliver a change the poller missed
    b = Node.start("B", db, workDir, List.of("--cumulus.console.refresh-interval=PT10M"));
    var scenario = new Scenario(a.base);
    String agent = scenario.agent("nia", 1);
    String service = scenario.service("nodes", List.of(agent), map("ronaTimeoutSeconds", 300, "acwSeconds", 0));
    String supervisor = scenario.supervisor("noa", service); // PUT /v1/services/{upn}/supervisors on A
    Api agentOnA = scenario.as(agent);
    Api flowOnA = Api.flow(a.base);
    b.awaitHealthy();
    double startup = (System.nanoTime() - t0) / 1e9;

    var agentPage = new PageSession(b.base);
    assertThat(agentPage.login(agent, Scenario.PASSWORD).location()).as("agent's form login on B").endsWith("/ui/");
    var supervisorPage = new PageSession(b.base);
    assertThat(supervisorPage.login(supervisor, Scenario.PASSWORD).location()).as("supervisor's form login on B").endsWith("/ui/");
    BlockingQueue<JsonNode> agentStates = PageSession.queue();
    BlockingQueue<JsonNode> boardStates = PageSession.queue();

    try (var agentStream = agentPage.stream("/ui/api/agent/stream", agentStates);
        var boardStream = supervisorPage.stream("/ui/api/supervisor/stream", boardStates)) {
      JsonNode first = next(agentStates, "agent's first state on B", s -> true);
      assertThat(first.path("me").path("upn").asText()).isEqualToIgnoringCase(agent);
      assertThat(first.path("me").path("presence").asText()).isEqualTo("Offline");
      JsonNode firstBoard = next(boardStates, "supervisor's first state on B", s -> true);
      assertThat(serviceUpns(firstBoard)).containsExactly(service);
      assertThat(agentRow(firstBoard, service, agent).path("presence").asText()).isEqualTo("Offline");

      // when: the agent goes Available through A
      long call = System.nanoTime();
      assertThat(agentOnA.put("/v1/users/" + agent + "/state", map("presence", "Available")).status()).isEqualTo(200);
      // then
      next(agentStates, "presence Available on the agent's stream", s -> s.path("me").path("presence").asText().equals("Available"), "presence.agent", call);
      next(boardStates, "presence Available on the dashboard", s -> agentRow(s, service, agent).path("presence").asText().equals("Available"), "presence.board", call);

      // when: a flow creates a task through A (offered at once to the only agent, who is Available)
      call = System.nanoTime();
      var created = flowOnA.post("/v1/ExternalTasks", map("serviceUpn", service, "title", "across nodes", "customerIdentifier", "C-2N"));
      assertThat(created.status()).as(created.toString()).isEqualTo(200);
      String task = created.text("id");
      // then: the offer on the agent's stream, the task Offered to the agent on the dashboard
      JsonNode offered =
          next(agentStates, "offer " + task + " on the agent's stream", s -> ids(s.path("offers")).contains(task), "offer.agent", call);
      assertThat(offered.path("offers").get(0).path("state").asText()).isEqualTo("Offered");
      assertThat(offered.path("offers").get(0).path("title").asText()).isEqualTo("across nodes");
      JsonNode boardOffered =
          next(boardStates, "task " + task + " Offered on the dashboard", s -> heldState(s, service, agent, task).equals("Offered"), "offer.board", call);
      assertThat(ids(board(boardOffered, service).path("tasks"))).contains(task);

      // when: the agent accepts through A
      call = System.nanoTime();
      var accepted = agentOnA.post("/v1/ExternalTasks/" + task + "/accept", null);
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
      // then: Connected on both streams
      JsonNode connected =
          next(agentStates, "task " + task + " Connected on the agent's stream",
              s -> ids(s.path("connected")).contains(task) && s.path("offers").isEmpty(), "accept.agent", call);
      assertThat(connected.path("connected").get(0).path("state").asText()).isEqualTo("Connected");
      JsonNode boardConnected =
          next(boardStates, "task " + task + " Connected on the dashboard",
              s -> heldState(s, service, agent, task).equals("Connected"), "accept.board", call);
      assertThat(board(boardConnected, service).path("kpis").path("acceptedToday").asInt()).isEqualTo(1);

      // when: the agent completes through A (no after-work: Completed, Handled)
      call = System.nanoTime();
      var completed = agentOnA.post("/v1/ExternalTasks/" + task + "/complete", null);
      assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
      // then: handled in today's results; gone from the dashboard's lists and counted as handled
      JsonNode handled =
          next(agentStates, "task " + task + " Handled on the agent's stream",
              s -> results(s).contains(task + ":Handled") && s.path("connected").isEmpty(), "complete.agent", call);
      assertThat(handled.path("me").path("activeTasks").asInt()).isZero();
      next(boardStates, "task " + task + " handled on the dashboard",
          s -> board(s, service).path("kpis").path("handledToday").asInt() == 1
              && heldState(s, service, agent, task).isEmpty()
              && !ids(board(s, service).path("tasks")).contains(task),
          "complete.board", call);
      assertThat(flowOnA.get("/v1/ExternalTasks/" + task).text("state")).isEqualTo("Completed");

      // when: the agent goes Away through A
      call = System.nanoTime();
      assertThat(agentOnA.put("/v1/users/" + agent + "/state", map("presence", "Away")).status()).isEqualTo(200);
      // then
      next(agentStates, "presence Away on the agent's stream", s -> s.path("me").path("presence").asText().equals("Away"), "away.agent", call);
      next(boardStates, "presence Away on the dashboard", s -> agentRow(s, service, agent).path("presence").asText().equals("Away"), "away.board", call);
    }

    long max = delays.values().stream().mapToLong(Long::longValue).max().orElse(0);
    System.out.printf(
        "PagesTwoNodesIT: call on node A -> state on node B's stream, ms: %s (max %d, bound %d); nodes up after %.1f s, total %.1f s%n",
        delays, max, AT_MOST.toMillis(), startup, (System.nanoTime() - t0) / 1e9);
  }

  /** The next state on the stream that matches, within {@link #AT_MOST}; records the delay since {@code call}. */
  private JsonNode next(BlockingQueue<JsonNode> states, String what, Predicate<JsonNode> wanted, String delayKey, long call)
      throws InterruptedException {
    JsonNode state = next(states, what, wanted);
    delays.put(delayKey, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call));
    return state;
  }

  private static JsonNode next(BlockingQueue<JsonNode> states, String what, Predicate<JsonNode> wanted)
      throws InterruptedException {
    long until = System.nanoTime() + AT_MOST.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < until) {
      JsonNode state = states.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (state == null) {
        break;
      }
      last = state;
      if (wanted.test(state)) {
        return state;
      }
    }
    throw new AssertionError("not within " + AT_MOST.toSeconds() + " s: " + what + "; last state seen: " + last);
  }

  private static JsonNode board(JsonNode dashboard, String service) {
    for (JsonNode board : dashboard.path("services")) {
      if (board.path("serviceUpn").asText().equals(service)) {
        return board;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static JsonNode agentRow(JsonNode dashboard, String service, String agent) {
    for (JsonNode row : board(dashboard, service).path("agents")) {
      if (row.path("upn").asText().equalsIgnoreCase(agent)) {
        return row;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** The state of the task in the agent's row of the dashboard, "" when the agent does not hold it. */
  private static String heldState(JsonNode dashboard, String service, String agent, String task) {
    for (JsonNode held : agentRow(dashboard, service, agent).path("tasks")) {
      if (held.path("id").asText().equals(task)) {
        return held.path("state").asText();
      }
    }
    return "";
  }

  private static List<String> serviceUpns(JsonNode dashboard) {
    var upns = new ArrayList<String>();
    dashboard.path("services").forEach(s -> upns.add(s.path("serviceUpn").asText()));
    return upns;
  }

  private static List<String> results(JsonNode agentState) {
    var results = new ArrayList<String>();
    agentState.path("today").forEach(r -> results.add(r.path("taskId").asText() + ":" + r.path("result").asText()));
    return results;
  }

  private static List<String> ids(JsonNode array) {
    var ids = new ArrayList<String>();
    array.forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }
}
