package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.ComplexGateway;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.Event;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.EventDefinition;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.InclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent;
import org.camunda.bpm.model.bpmn.instance.IntermediateThrowEvent;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.ParallelGateway;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.Task;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.junit.jupiter.api.Test;

/**
 * The rules of bpmnlint's "recommended" configuration (the linter Camunda Modeler runs) that can be
 * checked on the model in Java, plus the house rules of STYLE.md, over every diagram in bpmn/.
 * bpmnlint itself is an npm tool and not part of the Maven build; docs/workflows.md ("What the build checks") says which of its rules
 * this covers. Each rule is also run against a small broken diagram, so a rule that cannot fail is
 * noticed.
 */
class BpmnLintTest {

  private static final Path BPMN = Path.of("bpmn");
  private static final String CAMUNDA = "http://camunda.org/schema/1.0/bpmn";

  /** STYLE.md: element ids by kind, then PascalCase. */
  private static final Map<Class<? extends BaseElement>, String> ID_PREFIXES = new java.util.LinkedHashMap<>();

  static {
    ID_PREFIXES.put(StartEvent.class, "StartEvent_");
    ID_PREFIXES.put(EndEvent.class, "EndEvent_");
    ID_PREFIXES.put(BoundaryEvent.class, "BoundaryEvent_");
    ID_PREFIXES.put(IntermediateCatchEvent.class, "Event_");
    ID_PREFIXES.put(IntermediateThrowEvent.class, "Event_");
    ID_PREFIXES.put(SubProcess.class, "SubProcess_");
    ID_PREFIXES.put(Task.class, "Task_");
    ID_PREFIXES.put(Gateway.class, "Gateway_");
    ID_PREFIXES.put(SequenceFlow.class, "Flow_");
  }

  private static final Pattern PASCAL = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final Pattern KEBAB_FILE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*\\.bpmn");
  private static final Pattern DELEGATE = Pattern.compile("\\$\\{[a-z][A-Za-z0-9]*Delegate}");

  static List<Path> shippedDiagrams() throws IOException {
    try (Stream<Path> files = Files.list(BPMN)) {
      return new ArrayList<>(files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList());
    }
  }

  @Test
  void everyShippedDiagramIsClean() throws IOException {
    List<Path> diagrams = shippedDiagrams();
    assertThat(diagrams).extracting(p -> p.getFileName().toString()).contains(
        "external-task.bpmn", "escalation.bpmn", "delayed-start.bpmn", "wait-for-flow.bpmn", "availability-routing.bpmn");
    for (Path diagram : diagrams) {
      assertThat(diagram.getFileName().toString()).as("kebab-case file name").matches(KEBAB_FILE);
      assertThat(lint(Bpmn.readModelFromFile(diagram.toFile()))).as(diagram.toString()).isEmpty();
    }
  }

  @Test
  void everySampleKeepsTheSharedQueueAndWaitPartOfTheDefaultWorkflow() throws IOException {
    BpmnModelInstance reference = Bpmn.readModelFromFile(BPMN.resolve("external-task.bpmn").toFile());
    for (Path diagram : shippedDiagrams()) {
      BpmnModelInstance sample = Bpmn.readModelFromFile(diagram.toFile());
      assertThat(contractBreaches(reference, sample)).as(diagram.toString()).isEmpty();
      assertThat(WorkflowContract.breaches(sample)).as(diagram.toString()).isEmpty();
      assertThat(WorkflowContract.inputBreaches(sample)).as(diagram.toString()).isEmpty();
    }
  }

  @Test
  void eachRuleFindsItsBreach() {
    // a diagram that breaks the rules: unnamed task, implicit split, a duplicate flow, missing DI,
    // a badly named id, a class delegate, a fork without conditions, no end event, a disconnected node
    String broken = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="D" targetNamespace="t">
          <bpmn:process id="brokenFlow" isExecutable="true">
            <bpmn:startEvent id="StartEvent_A" name="Start"><bpmn:outgoing>Flow_A</bpmn:outgoing></bpmn:startEvent>
            <bpmn:serviceTask id="Task_NoName" camunda:class="x.Y">
              <bpmn:incoming>Flow_A</bpmn:incoming><bpmn:outgoing>Flow_B</bpmn:outgoing><bpmn:outgoing>Flow_C</bpmn:outgoing><bpmn:outgoing>Flow_D</bpmn:outgoing>
            </bpmn:serviceTask>
            <bpmn:exclusiveGateway id="gw" name="Which?"><bpmn:incoming>Flow_B</bpmn:incoming><bpmn:incoming>Flow_C</bpmn:incoming><bpmn:incoming>Flow_D</bpmn:incoming>
              <bpmn:outgoing>Flow_E</bpmn:outgoing><bpmn:outgoing>Flow_F</bpmn:outgoing></bpmn:exclusiveGateway>
            <bpmn:userTask id="Task_Alone" name="Alone" />
            <bpmn:userTask id="Task_E" name="E"><bpmn:incoming>Flow_E</bpmn:incoming></bpmn:userTask>
            <bpmn:userTask id="Task_F" name="F"><bpmn:incoming>Flow_F</bpmn:incoming></bpmn:userTask>
            <bpmn:sequenceFlow id="Flow_A" sourceRef="StartEvent_A" targetRef="Task_NoName" />
            <bpmn:sequenceFlow id="Flow_B" sourceRef="Task_NoName" targetRef="gw" />
            <bpmn:sequenceFlow id="Flow_C" sourceRef="Task_NoName" targetRef="gw" />
            <bpmn:sequenceFlow id="Flow_D" sourceRef="Task_NoName" targetRef="gw" />
            <bpmn:sequenceFlow id="Flow_E" sourceRef="gw" targetRef="Task_E" />
            <bpmn:sequenceFlow id="Flow_F" sourceRef="gw" targetRef="Task_F" />
          </bpmn:process>
          <bpmndi:BPMNDiagram id="DI"><bpmndi:BPMNPlane id="P" bpmnElement="brokenFlow">
            <bpmndi:BPMNShape id="S" bpmnElement="StartEvent_A"><dc:Bounds x="0" y="0" width="36" height="36" /></bpmndi:BPMNShape>
          </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
        </bpmn:definitions>""";
    List<String> problems = lint(Bpmn.readModelFromStream(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8))));
    assertThat(String.join("\n", problems)).contains(
        "Task_NoName: label-required",
        "Task_NoName: no-implicit-split",
        "Flow_C: no-duplicate-sequence-flows",
        "Task_NoName: no-bpmndi",
        "gw: id-by-kind",
        "gw: no-gateway-join-fork",
        "brokenFlow: process-id",
        "brokenFlow: history-time-to-live",
        "Task_NoName: delegate-expression",
        "Flow_E: conditional-flows",
        "brokenFlow: end-event-required",
        "Task_Alone: no-disconnected",
        "Task_E: no-implicit-end");
  }

  /** Each problem as "elementId: rule (what)". */
  static List<String> lint(BpmnModelInstance model) {
    var problems = new ArrayList<String>();
    Set<String> withDi = new HashSet<>();
    model.getModelElementsByType(BpmnShape.class).forEach(s -> withDi.add(s.getBpmnElement().getId()));
    model.getModelElementsByType(BpmnEdge.class).forEach(e -> withDi.add(e.getBpmnElement().getId()));

    for (Process process : model.getModelElementsByType(Process.class)) {
      if (!PASCAL.matcher(process.getId()).matches() || !process.getId().endsWith("Process")) {
        problems.add(process.getId() + ": process-id (PascalCase, ending in Process)");
      }
      if (process.getAttributeValueNs(CAMUNDA, "historyTimeToLive") == null) {
        problems.add(process.getId() + ": history-time-to-live (camunda:historyTimeToLive missing)");
      }
      if (blank(process.getName())) {
        problems.add(process.getId() + ": label-required (the process has no name)");
      }
      scope(process.getId(), process.getChildElementsByType(FlowElement.class), problems);
    }
    for (SubProcess sub : model.getModelElementsByType(SubProcess.class)) {
      scope(sub.getId(), sub.getChildElementsByType(FlowElement.class), problems);
      for (StartEvent start : sub.getChildElementsByType(StartEvent.class)) {
        if (!start.getEventDefinitions().isEmpty() && !sub.triggeredByEvent()) {
          problems.add(start.getId() + ": sub-process-blank-start-event");
        }
      }
    }

    for (FlowElement element : model.getModelElementsByType(FlowElement.class)) {
      String id = element.getId();
      if (!withDi.contains(id)) {
        problems.add(id + ": no-bpmndi (no shape or edge)");
      }
      idByKind(element, problems);
      if (element instanceof FlowNode node) {
        flowNode(node, problems);
      }
      if (element instanceof SequenceFlow flow && flow.getConditionExpression() != null && blank(flow.getName())) {
        problems.add(id + ": label-required (a conditional flow needs a label)");
      }
      if (element instanceof Event event) {
        Collection<EventDefinition> definitions = event.getChildElementsByType(EventDefinition.class);
        if (definitions.size() > 1) {
          problems.add(id + ": single-event-definition");
        }
      }
      if (element instanceof ServiceTask task) {
        String delegate = task.getCamundaDelegateExpression();
        if (delegate == null || !DELEGATE.matcher(delegate).matches()) {
          problems.add(id + ": delegate-expression (service tasks use camunda:delegateExpression=\"${beanName}\" only)");
        }
      }
      if (element instanceof ComplexGateway) {
        problems.add(id + ": no-complex-gateway");
      }
      if (element instanceof InclusiveGateway) {
        problems.add(id + ": no-inclusive-gateway");
      }
    }

    // no-duplicate-sequence-flows: the same source, target and condition twice
    Set<String> seen = new HashSet<>();
    for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
      String key = flow.getSource().getId() + "->" + flow.getTarget().getId() + "|"
          + (flow.getConditionExpression() == null ? "" : flow.getConditionExpression().getTextContent());
      if (!seen.add(key)) {
        problems.add(flow.getId() + ": no-duplicate-sequence-flows");
      }
    }
    return problems;
  }

  /** start-event-required, end-event-required, single-blank-start-event for one process or sub-process. */
  private static void scope(String id, Collection<FlowElement> elements, List<String> problems) {
    List<StartEvent> starts = elements.stream().filter(StartEvent.class::isInstance).map(StartEvent.class::cast).toList();
    if (starts.isEmpty()) {
      problems.add(id + ": start-event-required");
    }
    if (starts.stream().filter(s -> s.getEventDefinitions().isEmpty()).count() > 1) {
      problems.add(id + ": single-blank-start-event");
    }
    if (elements.stream().noneMatch(EndEvent.class::isInstance)) {
      problems.add(id + ": end-event-required");
    }
  }

  private static void flowNode(FlowNode node, List<String> problems) {
    String id = node.getId();
    Collection<SequenceFlow> incoming = node.getIncoming();
    Collection<SequenceFlow> outgoing = node.getOutgoing();
    // label-required; stricter than bpmnlint: joining gateways and sub-processes are named too,
    // because supervisors read the diagram in Cockpit
    if (blank(node.getName())) {
      problems.add(id + ": label-required");
    }
    boolean boundary = node instanceof BoundaryEvent;
    boolean start = node instanceof StartEvent;
    boolean end = node instanceof EndEvent;
    if (incoming.isEmpty() && outgoing.isEmpty() && !boundary) {
      problems.add(id + ": no-disconnected");
      return;
    }
    if (incoming.isEmpty() && !start && !boundary && (node instanceof Activity || node instanceof Gateway || node instanceof Event)) {
      problems.add(id + ": no-implicit-start");
    }
    if (outgoing.isEmpty() && !end && (node instanceof Activity || node instanceof Gateway || node instanceof Event)) {
      problems.add(id + ": no-implicit-end");
    }
    if (node instanceof Activity || node instanceof Event) {
      String defaultFlow = node instanceof Activity a && a.getDefault() != null ? a.getDefault().getId() : null;
      long unconditioned = outgoing.stream()
          .filter(f -> f.getConditionExpression() == null && !f.getId().equals(defaultFlow)).count();
      if (unconditioned > 1) {
        problems.add(id + ": no-implicit-split");
      }
    }
    if (node instanceof Gateway && incoming.size() > 1 && outgoing.size() > 1) {
      problems.add(id + ": no-gateway-join-fork");
    }
    if (node instanceof Gateway && !(node instanceof EventBasedGateway) && incoming.size() == 1 && outgoing.size() == 1) {
      problems.add(id + ": superfluous-gateway");
    }
    // conditional-flows: where one flow out has a condition or there is a default, every other has a condition
    String defaultId = node instanceof ExclusiveGateway g && g.getDefault() != null ? g.getDefault().getId()
        : node instanceof InclusiveGateway g && g.getDefault() != null ? g.getDefault().getId()
        : node instanceof Activity a && a.getDefault() != null ? a.getDefault().getId() : null;
    boolean conditional = defaultId != null || outgoing.stream().anyMatch(f -> f.getConditionExpression() != null);
    if (node instanceof ExclusiveGateway && outgoing.size() > 1) {
      conditional = true;
    }
    if (conditional && !(node instanceof ParallelGateway)) {
      for (SequenceFlow f : outgoing) {
        if (f.getConditionExpression() == null && !f.getId().equals(defaultId)) {
          problems.add(f.getId() + ": conditional-flows (a flow out of a fork needs a condition or must be the default)");
        }
      }
    }
    if (node instanceof EventBasedGateway) {
      if (outgoing.size() < 2) {
        problems.add(id + ": event-based-gateway (needs two or more events to wait for)");
      }
      for (SequenceFlow f : outgoing) {
        if (!(f.getTarget() instanceof IntermediateCatchEvent) && !(f.getTarget() instanceof ReceiveTask)) {
          problems.add(f.getId() + ": event-based-gateway (leads to something that is not an event)");
        }
      }
    }
    if (node instanceof IntermediateCatchEvent catchEvent) {
      var defs = catchEvent.getEventDefinitions();
      boolean ok = defs.stream().allMatch(d -> d instanceof TimerEventDefinition || d instanceof MessageEventDefinition
          || d instanceof org.camunda.bpm.model.bpmn.instance.ConditionalEventDefinition
          || d instanceof org.camunda.bpm.model.bpmn.instance.SignalEventDefinition
          || d instanceof org.camunda.bpm.model.bpmn.instance.LinkEventDefinition);
      if (defs.isEmpty() || !ok) {
        problems.add(id + ": intermediate catch event without a supported trigger");
      }
    }
    if (node instanceof UserTask && blank(((UserTask) node).getCamundaAssignee())) {
      problems.add(id + ": user-task-assignee (Cumulus assigns offers and handling to an agent)");
    }
  }

  private static void idByKind(FlowElement element, List<String> problems) {
    for (var entry : ID_PREFIXES.entrySet()) {
      if (entry.getKey().isInstance(element)) {
        String prefix = entry.getValue();
        String id = element.getId();
        if (!id.startsWith(prefix) || !PASCAL.matcher(id.substring(prefix.length())).matches()) {
          problems.add(id + ": id-by-kind (" + prefix + "PascalCase, STYLE.md)");
        }
        return;
      }
    }
  }

  /**
   * Ids of the default workflow that every sample keeps as they are (Cumulus drives them by id and
   * message name): the Queue Task, the wait while the agents work on the task, its lifetime timer and
   * the end after completion.
   */
  static final List<String> CONTRACT = List.of("Task_QueueTask", "Task_WithAgents", "BoundaryEvent_Expired", "EndEvent_Completed");

  static List<String> contractBreaches(BpmnModelInstance reference, BpmnModelInstance sample) {
    var breaches = new ArrayList<String>();
    var ids = new ArrayList<>(CONTRACT);
    for (String id : ids) {
      ModelElementInstance expected = reference.getModelElementById(id);
      ModelElementInstance actual = sample.getModelElementById(id);
      if (actual == null) {
        breaches.add(id + ": missing");
        continue;
      }
      if (!expected.getElementType().equals(actual.getElementType())) {
        breaches.add(id + ": is a " + actual.getElementType().getTypeName() + ", not a " + expected.getElementType().getTypeName());
        continue;
      }
      if (expected instanceof FlowNode e && actual instanceof FlowNode a) {
        if (!Objects.equals(e.getName(), a.getName())) {
          breaches.add(id + ": renamed to " + a.getName());
        }
        if (!Objects.equals(flowsWithin(e.getOutgoing(), ids), flowsWithin(a.getOutgoing(), ids))) {
          breaches.add(id + ": its flows within the shared part changed");
        }
        for (String attribute : List.of("delegateExpression", "assignee")) {
          if (!Objects.equals(e.getAttributeValueNs(CAMUNDA, attribute), a.getAttributeValueNs(CAMUNDA, attribute))) {
            breaches.add(id + ": camunda:" + attribute + " changed");
          }
        }
        if (!Objects.equals(definitionText(e), definitionText(a))) {
          breaches.add(id + ": its event definition (timer or message) changed");
        }
      }
      if (expected instanceof BoundaryEvent e && actual instanceof BoundaryEvent a
          && (!e.getAttachedTo().getId().equals(a.getAttachedTo().getId()) || e.cancelActivity() != a.cancelActivity())) {
        breaches.add(id + ": attached differently");
      }
    }
    return breaches;
  }

  private static Set<String> flowsWithin(Collection<SequenceFlow> flows, List<String> ids) {
    var result = new HashSet<String>();
    flows.stream().filter(f -> ids.contains(f.getTarget().getId())).forEach(f -> result.add(f.getId() + "->" + f.getTarget().getId()));
    return result;
  }

  private static String definitionText(FlowNode node) {
    var sb = new StringBuilder();
    for (EventDefinition d : node.getChildElementsByType(EventDefinition.class)) {
      sb.append(d.getElementType().getTypeName());
      if (d instanceof MessageEventDefinition m && m.getMessage() != null) {
        sb.append(':').append(m.getMessage().getName());
      }
      if (d instanceof TimerEventDefinition t) {
        sb.append(':').append(t.getTimeDate() == null ? "" : t.getTimeDate().getTextContent())
            .append(t.getTimeDuration() == null ? "" : t.getTimeDuration().getTextContent());
      }
    }
    return sb.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
