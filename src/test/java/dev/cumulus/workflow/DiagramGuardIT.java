package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cumulus.support.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every door to the engine refuses a diagram that runs code: an administrator's
 * {@code /engine-rest/deployment/create} and {@code POST /v1/workflows} alike, and nothing runs.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:diagram-guard-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      "cumulus.demo.enabled=false",
      "camunda.bpm.job-execution.enabled=false", "cumulus.distribution.timers-enabled=false"
    })
class DiagramGuardIT {

  @LocalServerPort int port;
  @Autowired RepositoryService repository;
  @TempDir Path dir;

  Api admin;
  Path marker;

  @BeforeEach
  void setUp() {
    admin = Api.admin("http://127.0.0.1:" + port);
    marker = dir.resolve("marker");
  }

  /** A process whose only step creates the marker file through java.lang.Runtime. */
  private String hostile(String key, String step) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            id="D" targetNamespace="http://example.com">
          <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="P1D">
            <bpmn:startEvent id="StartEvent_Go" />
            <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Go" targetRef="Task_Evil" />
            %s
            <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Evil" targetRef="EndEvent_Done" />
            <bpmn:endEvent id="EndEvent_Done" />
          </bpmn:process>
        </bpmn:definitions>""".formatted(key, step.replace("MARKER", marker.toString()));
  }

  private static final String RUNTIME = "''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch MARKER')";

  @Test
  void anAdministratorsEngineRestDeploymentOfAnExpressionReachingRuntimeIsRefusedAndNothingRuns() {
    // when an admin deploys a service task whose expression reaches java.lang.Runtime through engine-rest
    var refused = admin.upload("/engine-rest/deployment/create", "data", "evil.bpmn",
        hostile("EvilExpressionProcess", "<bpmn:serviceTask id=\"Task_Evil\" camunda:expression=\"${" + RUNTIME + "}\" />"));

    // then the engine refuses the deployment, naming the element and the rule
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.raw().body()).contains("Task_Evil").contains(DiagramCheck.ONLY_CUMULUS_ACTIVITIES);
    // and nothing is deployed, so nothing can be started
    assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("EvilExpressionProcess").count()).isZero();
    var start = admin.post("/engine-rest/process-definition/key/EvilExpressionProcess/start", "{}");
    assertThat(start.status()).isEqualTo(404);
    assertThat(marker).doesNotExist();
  }

  @Test
  void aJuelScriptTaskAndAConditionWithAMethodCallAreRefusedThroughEngineRest() {
    var script = admin.upload("/engine-rest/deployment/create", "data", "script.bpmn", hostile("EvilScriptProcess",
        "<bpmn:scriptTask id=\"Task_Evil\" scriptFormat=\"juel\"><bpmn:script>${" + RUNTIME + "}</bpmn:script></bpmn:scriptTask>"));
    assertThat(script.status()).as(script.toString()).isEqualTo(400);
    assertThat(script.raw().body()).contains("Task_Evil").contains(DiagramCheck.NO_SCRIPTS);

    var condition = admin.upload("/engine-rest/deployment/create", "data", "condition.bpmn", hostile("EvilConditionProcess",
        "<bpmn:exclusiveGateway id=\"Task_Evil\" /><bpmn:sequenceFlow id=\"Flow_Evil\" sourceRef=\"Task_Evil\" targetRef=\"EndEvent_Done\">"
            + "<bpmn:conditionExpression>${" + RUNTIME + " != null}</bpmn:conditionExpression></bpmn:sequenceFlow>"));
    assertThat(condition.status()).as(condition.toString()).isEqualTo(400);
    assertThat(condition.raw().body()).contains("Flow_Evil").contains(DiagramCheck.PLAIN_EXPRESSIONS);

    assertThat(repository.createProcessDefinitionQuery().processDefinitionKeyIn("EvilScriptProcess", "EvilConditionProcess").count()).isZero();
    assertThat(admin.post("/engine-rest/process-definition/key/EvilScriptProcess/start", "{}").status()).isEqualTo(404);
    assertThat(marker).doesNotExist();
  }

  @Test
  void engineRestRefusesDecisionTablesAndAcceptsAPlainDiagram() {
    var dmn = admin.upload("/engine-rest/deployment/create", "data", "rules.dmn", "<definitions/>");
    assertThat(dmn.status()).as(dmn.toString()).isEqualTo(400);
    assertThat(dmn.raw().body()).contains(DiagramGuard.ONLY_BPMN);

    // the check refuses code, not deployments: a diagram with a plain step passes this door
    var plain = admin.upload("/engine-rest/deployment/create", "data", "plain.bpmn",
        hostile("PlainProcess", "<bpmn:task id=\"Task_Evil\" />"));
    assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
    assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("PlainProcess").count()).isEqualTo(1);
  }

  @Test
  void cumulusOwnDeploymentAnswersProblemJsonNamingTheElementAndTheRule() throws Exception {
    String sample = Files.readString(Path.of("bpmn/external-task.bpmn"))
        .replace("${expired}", "${execution.getVariable('expired')}");
    var refused = admin.upload("/v1/workflows", "file", "external-task.bpmn", sample);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body().at("/errors/0/field").asText()).isEqualTo("file");
    assertThat(refused.body().at("/errors/0/rule").asText()).isEqualTo(DiagramCheck.PLAIN_EXPRESSIONS);
    assertThat(refused.body().at("/errors/0/message").asText())
        .startsWith("Flow_TaskExpired: conditionExpression '${execution.getVariable('expired')}': 'execution' is the engine's own object");
  }
}
