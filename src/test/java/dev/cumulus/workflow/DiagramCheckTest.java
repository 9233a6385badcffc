package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.annotation.Bean;

/** The diagram check on its own: hostile diagrams refused with element and rule, every sample accepted. */
class DiagramCheckTest {

  /** Cumulus's activities: the JavaDelegate beans of {@link Delegates}. */
  static final Set<String> ACTIVITIES = Arrays.stream(Delegates.class.getDeclaredMethods())
      .filter(m -> m.isAnnotationPresent(Bean.class) && m.getReturnType() == JavaDelegate.class)
      .map(java.lang.reflect.Method::getName)
      .collect(Collectors.toSet());

  private static final Set<String> OTHER_BEANS = Set.of("dataSource", "runtimeService", "environment", "taskStore");

  private final DiagramCheck check = new DiagramCheck(ACTIVITIES, name -> ACTIVITIES.contains(name) || OTHER_BEANS.contains(name));

  static Stream<Path> samples() throws IOException {
    return Files.list(Path.of("bpmn")).filter(p -> p.toString().endsWith(".bpmn")).sorted();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySampleDiagramIsAccepted(Path sample) throws IOException {
    assertThat(check.check(Files.readAllBytes(sample))).isEmpty();
  }

  @Test
  void theActivitiesAreTheDelegatesOfCumulus() {
    assertThat(ACTIVITIES).contains("queueTaskDelegate", "expireTaskDelegate", "notifyDelegate").hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void anExpressionReachingRuntimeIsRefused() {
    var breaches = breaches("""
        <bpmn:serviceTask id="Task_Evil" camunda:expression="${&quot;&quot;.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch /tmp/x')}" />""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId, DiagramCheck.Breach::rule)
        .containsExactly(tuple("Task_Evil", DiagramCheck.ONLY_CUMULUS_ACTIVITIES));
  }

  @Test
  void aJuelScriptTaskIsRefused() {
    var breaches = breaches("""
        <bpmn:scriptTask id="Task_Script" scriptFormat="juel"><bpmn:script>${"".getClass()}</bpmn:script></bpmn:scriptTask>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId, DiagramCheck.Breach::rule)
        .contains(tuple("Task_Script", DiagramCheck.NO_SCRIPTS), tuple("Task_Script", DiagramCheck.PLAIN_EXPRESSIONS));
  }

  @Test
  void aJavaClassIsRefusedOnTasksListenersAndCallActivities() {
    var breaches = breaches("""
        <bpmn:serviceTask id="Task_Class" camunda:class="java.lang.Runtime" />
        <bpmn:sendTask id="Task_Send" activiti:class="org.example.Send" />
        <bpmn:callActivity id="Task_Call" calledElement="ExternalTaskProcess" camunda:variableMappingClass="org.example.Mapping" />
        <bpmn:userTask id="Task_User"><bpmn:extensionElements>
          <camunda:taskListener event="create" class="org.example.Listener" />
        </bpmn:extensionElements></bpmn:userTask>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId).containsExactly("Task_Class", "Task_Send", "Task_Call", "Task_User");
    assertThat(breaches).allSatisfy(b -> assertThat(b.rule()).isEqualTo(DiagramCheck.ONLY_CUMULUS_ACTIVITIES));
  }

  @Test
  void expressionAndScriptListenersAreRefused() {
    var breaches = breaches("""
        <bpmn:userTask id="Task_Listened"><bpmn:extensionElements>
          <camunda:executionListener event="start" expression="${execution.setVariable('x', 1)}" />
          <camunda:taskListener event="create"><camunda:script scriptFormat="juel">${task}</camunda:script></camunda:taskListener>
        </bpmn:extensionElements></bpmn:userTask>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::rule)
        .contains(DiagramCheck.ONLY_CUMULUS_ACTIVITIES, DiagramCheck.NO_SCRIPTS, DiagramCheck.PLAIN_EXPRESSIONS);
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId).containsOnly("Task_Listened");
  }

  @Test
  void aDelegateOutsideCumulusActivitiesIsRefusedAndOursPasses() {
    assertThat(breaches("""
        <bpmn:serviceTask id="Task_Ours" camunda:delegateExpression="${queueTaskDelegate}" />
        <bpmn:intermediateThrowEvent id="Event_Ours"><bpmn:messageEventDefinition camunda:delegateExpression="${notifyDelegate}" /></bpmn:intermediateThrowEvent>
        <bpmn:userTask id="Task_Listened"><bpmn:extensionElements>
          <camunda:executionListener event="end" delegateExpression="${notifyDelegate}" />
        </bpmn:extensionElements></bpmn:userTask>""")).isEmpty();
    var breaches = breaches("""
        <bpmn:serviceTask id="Task_Bean" camunda:delegateExpression="${runtimeService}" />
        <bpmn:serviceTask id="Task_Chain" camunda:delegateExpression="${queueTaskDelegate.class}" />
        <bpmn:businessRuleTask id="Task_Rule" camunda:decisionRef="AnyDecision" />
        <bpmn:serviceTask id="Task_External" camunda:type="external" camunda:topic="x" />
        <bpmn:serviceTask id="Task_Connector"><bpmn:extensionElements><camunda:connector><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector></bpmn:extensionElements></bpmn:serviceTask>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId)
        .contains("Task_Bean", "Task_Chain", "Task_Rule", "Task_External", "Task_Connector");
    assertThat(breaches).allSatisfy(b -> assertThat(b.rule()).isEqualTo(DiagramCheck.ONLY_CUMULUS_ACTIVITIES));
  }

  @Test
  void aConditionWithAMethodCallIsRefusedAndAPlainComparisonPasses() {
    var breaches = breaches(flow("Flow_Evil", "${execution.getVariable('x') != null}")
        + flow("Flow_Class", "${priority.getClass().forName('java.lang.Runtime') != null}")
        + flow("Flow_Script", "x", "javascript")
        + flow("Flow_Bean", "${dataSource != null}")
        + flow("Flow_Index", "${environment['java.home'] != null}"));
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId, DiagramCheck.Breach::rule).containsExactly(
        tuple("Flow_Evil", DiagramCheck.PLAIN_EXPRESSIONS),
        tuple("Flow_Class", DiagramCheck.PLAIN_EXPRESSIONS),
        tuple("Flow_Script", DiagramCheck.NO_SCRIPTS),
        tuple("Flow_Bean", DiagramCheck.PLAIN_EXPRESSIONS),
        tuple("Flow_Index", DiagramCheck.PLAIN_EXPRESSIONS));
    assertThat(breaches.get(0).message()).contains("'execution' is the engine's own object");
    assertThat(breaches.get(1).message()).contains("'.' is not allowed");
    assertThat(breaches("""
        <bpmn:sequenceFlow id="Flow_Ok" sourceRef="A" targetRef="B"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"><![CDATA[${waitingSeconds >= 1.5 && availability == 'Busy (all)' || not empty offeredUser}]]></bpmn:conditionExpression></bpmn:sequenceFlow>"""))
        .isEmpty();
  }

  @Test
  void aConditionalEventWithAMethodCallIsRefused() {
    var breaches = breaches("""
        <bpmn:intermediateCatchEvent id="Event_Condition"><bpmn:conditionalEventDefinition>
          <bpmn:condition xsi:type="bpmn:tFormalExpression">${"".getClass() != null}</bpmn:condition>
        </bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId, DiagramCheck.Breach::rule)
        .containsExactly(tuple("Event_Condition", DiagramCheck.PLAIN_EXPRESSIONS));
  }

  @Test
  void anInputParameterWithAMethodCallOrAScriptIsRefusedAndAVariablePasses() {
    var breaches = breaches("""
        <bpmn:serviceTask id="Task_Queue" camunda:delegateExpression="${queueTaskDelegate}"><bpmn:extensionElements><camunda:inputOutput>
          <camunda:inputParameter name="serviceUpn">${overflowServiceUpn}</camunda:inputParameter>
          <camunda:inputParameter name="priority">${Runtime.getRuntime().exec('id')}</camunda:inputParameter>
          <camunda:inputParameter name="distributionType"><camunda:script scriptFormat="juel">Pickup</camunda:script></camunda:inputParameter>
          <camunda:outputParameter name="x">#{fn:call()}</camunda:outputParameter>
        </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId, DiagramCheck.Breach::rule).containsExactly(
        tuple("Task_Queue", DiagramCheck.PLAIN_EXPRESSIONS),
        tuple("Task_Queue", DiagramCheck.NO_SCRIPTS),
        tuple("Task_Queue", DiagramCheck.PLAIN_EXPRESSIONS));
    assertThat(breaches.get(0).message()).startsWith("inputParameter '${Runtime.getRuntime().exec('id')}'");
  }

  @Test
  void aTimerWithAMethodCallIsRefused() {
    var breaches = breaches("""
        <bpmn:intermediateCatchEvent id="Event_Timer"><bpmn:timerEventDefinition>
          <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${dateTime().plusDays(1).toString()}</bpmn:timeDuration>
        </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:intermediateCatchEvent id="Event_Plain"><bpmn:timerEventDefinition>
          <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${transferAfter}</bpmn:timeDuration>
        </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId, DiagramCheck.Breach::rule)
        .containsExactly(tuple("Event_Timer", DiagramCheck.PLAIN_EXPRESSIONS));
  }

  @Test
  void attributesThatTheEngineEvaluatesAreCheckedToo() {
    var breaches = breaches("""
        <bpmn:userTask id="Task_Assignee" camunda:assignee="${runtimeService.createProcessInstanceQuery()}" camunda:dueDate="#{x[0]}" />
        <bpmn:userTask id="Task_Unclosed" camunda:candidateUsers="${'open" />
        <bpmn:userTask id="Task_Field"><bpmn:extensionElements>
          <camunda:formData><camunda:formField id="f" type="string"><camunda:validation><camunda:constraint name="validator" config="org.example.V" /></camunda:validation></camunda:formField></camunda:formData>
        </bpmn:extensionElements></bpmn:userTask>""");
    assertThat(breaches).extracting(DiagramCheck.Breach::elementId).containsExactly("Task_Assignee", "Task_Assignee", "Task_Unclosed", "Task_Field");
  }

  @Test
  void aDoctypeIsRefusedBeforeAnyEntityIsRead() {
    String xml = """
        <?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>""";
    assertThat(check.check(xml.getBytes(StandardCharsets.UTF_8)))
        .extracting(DiagramCheck.Breach::rule).containsExactly(DiagramCheck.WELL_FORMED);
  }

  @Test
  void documentationMayMentionExpressions() {
    assertThat(breaches("""
        <bpmn:task id="Task_Doc"><bpmn:documentation>Waits until ${expiresAt.plusDays(1)}</bpmn:documentation></bpmn:task>"""))
        .isEmpty();
  }

  @Test
  void theAcceptedExpressionsAreTheGrammarsWholeVocabulary() {
    for (String plain : List.of("${a}", "#{a == 'b'}", "x ${a} y ${b}", "${a != null && b > 0 || !c}", "${a ? 'x' : 'y'}",
        "${n % 2 == 0 and m div 3 lt 4}", "${'}' == a}", "no expression (at all)")) {
      assertThat(check.refusal(plain)).as(plain).isNull();
    }
    for (String hostile : List.of("${a.b}", "${a(}", "${a[0]}", "${a", "${a;b}", "${a = 1}", "${{}}", "${\"unclosed}", "${$a}", "${é}")) {
      assertThat(check.refusal(hostile)).as(hostile).isNotNull();
    }
  }

  private List<DiagramCheck.Breach> breaches(String processContent) {
    String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
            xmlns:activiti="http://activiti.org/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
          <bpmn:process id="HostileProcess" isExecutable="true">
        """ + processContent + """
          </bpmn:process>
        </bpmn:definitions>""";
    return check.check(xml.getBytes(StandardCharsets.UTF_8));
  }

  private static String flow(String id, String condition) {
    return "<bpmn:sequenceFlow id=\"" + id + "\" sourceRef=\"A\" targetRef=\"B\"><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">"
        + condition.replace("&", "&amp;").replace("<", "&lt;") + "</bpmn:conditionExpression></bpmn:sequenceFlow>\n";
  }

  private static String flow(String id, String condition, String language) {
    return flow(id, condition).replace("xsi:type=", "language=\"" + language + "\" xsi:type=");
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
