package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.Test;

/** What deployment refuses before a diagram runs: missing contract parts and activity inputs that cannot work. */
class WorkflowContractTest {

  @Test
  void theDefaultWorkflowFits() {
    BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("bpmn/external-task.bpmn").toFile());
    assertThat(WorkflowContract.breaches(model)).isEmpty();
    assertThat(WorkflowContract.inputBreaches(model)).isEmpty();
  }

  @Test
  void aDiagramWithoutTheQueueAndWaitPartIsNamedForEachMissingPiece() {
    BpmnModelInstance model = model("""
        <bpmn:serviceTask id="Task_A" name="A" camunda:delegateExpression="${checkTaskDelegate}" />""");
    assertThat(WorkflowContract.breaches(model)).containsExactlyInAnyOrder(
        "no Queue Task (a service task with delegate expression ${queueTaskDelegate}): the task would never be queued",
        "no ReceiveTask with id 'Task_WithAgents' (where the instance waits while the agents work on the task)",
        "no BoundaryEvent with id 'BoundaryEvent_Expired' (the lifetime timer at ${expiresAt})");
  }

  @Test
  void theWaitMustHearTaskEndedAndTheLifetimeTimerMustNotInterruptIt() {
    BpmnModelInstance model = model("""
        <bpmn:serviceTask id="Task_QueueTask" name="Queue" camunda:delegateExpression="${queueTaskDelegate}" />
        <bpmn:receiveTask id="Task_WithAgents" name="With the agents" messageRef="Message_Other" />
        <bpmn:boundaryEvent id="BoundaryEvent_Expired" name="Lifetime ended" attachedToRef="Task_WithAgents">
          <bpmn:timerEventDefinition><bpmn:timeDate>${expiresAt}</bpmn:timeDate></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>""", """
        <bpmn:message id="Message_Other" name="Other" />""");
    assertThat(WorkflowContract.breaches(model)).containsExactlyInAnyOrder(
        "the receive task 'Task_WithAgents' must wait for the message 'TaskEnded' (Cumulus correlates it when the task is completed)",
        "the lifetime timer 'BoundaryEvent_Expired' must be non-interrupting: a task an agent works on does not expire, and its workflow"
            + " keeps waiting for its end");
  }

  @Test
  void activityInputsAreCheckedAsTheDelegatesReadThem() {
    BpmnModelInstance model = model("""
        <bpmn:serviceTask id="Task_Transfer" name="Transfer" camunda:delegateExpression="${transferTaskDelegate}" />
        <bpmn:serviceTask id="Task_Notify" name="Notify" camunda:delegateExpression="${notifyDelegate}">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="notification">not allowed!</camunda:inputParameter>
            <camunda:inputParameter name="mesage">typo</camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:serviceTask id="Task_Raise" name="Raise" camunda:delegateExpression="${updatePriorityDelegate}">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="raiseBy">${steps}</camunda:inputParameter>
            <camunda:inputParameter name="highestPriority">Highest</camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:serviceTask>""");
    assertThat(WorkflowContract.inputBreaches(model)).containsExactlyInAnyOrder(
        "'Transfer' (Task_Transfer): input 'serviceUpn' is required",
        "'Notify' (Task_Notify): input 'notification': 'not allowed!' is not 1 to 64 letters, digits, '_', '.' or '-'",
        "'Notify' (Task_Notify): input 'mesage' is not one of [message, notification]",
        "'Raise' (Task_Raise): input 'highestPriority': 'Highest' is not one of [Low, Normal, High, Strict]");
  }

  private static BpmnModelInstance model(String elements) {
    return model(elements, "");
  }

  private static BpmnModelInstance model(String elements, String definitions) {
    String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            id="D" targetNamespace="t">
          <bpmn:process id="SmallProcess" isExecutable="true">%s</bpmn:process>%s
        </bpmn:definitions>""".formatted(elements, definitions);
    return Bpmn.readModelFromStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
