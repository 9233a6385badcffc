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
  void aDiagramWithoutTheOfferPartIsNamedForEachMissingPiece() {
    BpmnModelInstance model = model("""
        <bpmn:serviceTask id="Task_A" name="A" camunda:delegateExpression="${checkTaskDelegate}" />""");
    assertThat(WorkflowContract.breaches(model)).containsExactlyInAnyOrder(
        "no UserTask with id 'Task_Offer' (the user task offered to the agent)",
        "no UserTask with id 'Task_Handle' (the user task the agent handles)",
        "no BoundaryEvent with id 'BoundaryEvent_Expired' (the lifetime timer at ${expiresAt})",
        "no IntermediateCatchEvent with id 'Event_AfterWorkElapsed' (the after-work timer)",
        "no message 'TaskOffered' (Cumulus correlates it)",
        "no message 'OfferWithdrawn' (Cumulus correlates it)",
        "no message 'AfterWorkEnded' (Cumulus correlates it)");
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
    String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            id="D" targetNamespace="t">
          <bpmn:process id="SmallProcess" isExecutable="true">%s</bpmn:process>
        </bpmn:definitions>""".formatted(elements);
    return Bpmn.readModelFromStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
