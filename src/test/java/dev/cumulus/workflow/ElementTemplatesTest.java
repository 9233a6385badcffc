package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;

/**
 * Every Modeler template in bpmn/element-templates is valid against the Camunda 7 element-template
 * schema (src/test/resources/element-templates, see NOTICE.md there), names a delegate that exists,
 * and every element of a shipped diagram that says it uses a template has the template's delegate
 * and only inputs the template knows.
 */
class ElementTemplatesTest {

  private static final Path TEMPLATES = Path.of("bpmn/element-templates");
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void everyTemplateIsValidAgainstTheCamunda7Schema() throws IOException {
    JsonSchema schema;
    try (InputStream in = getClass().getResourceAsStream("/element-templates/schema.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
    List<Path> files = templateFiles();
    assertThat(files).hasSize(10);
    for (Path file : files) {
      Set<ValidationMessage> errors = schema.validate(mapper.readTree(file.toFile()));
      assertThat(errors).as(file.toString()).isEmpty();
    }
  }

  @Test
  void theSchemaRefusesABrokenTemplate() throws IOException {
    JsonSchema schema;
    try (InputStream in = getClass().getResourceAsStream("/element-templates/schema.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
    // a binding type that Camunda 7 does not know, and no appliesTo
    JsonNode broken = mapper.readTree("""
        [{"name": "Broken", "id": "x", "properties": [{"type": "String", "binding": {"type": "zeebe:input", "name": "a"}}]}]""");
    assertThat(schema.validate(broken)).isNotEmpty();
  }

  @Test
  void everyTemplateNamesAnExistingDelegateBean() throws IOException {
    Set<String> beans = new HashSet<>();
    for (Method m : Delegates.class.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Bean.class)) {
        beans.add(m.getName());
      }
    }
    for (Path file : templateFiles()) {
      JsonNode template = mapper.readTree(file.toFile()).get(0);
      String delegate = delegateOf(template);
      if (template.get("appliesTo").toString().contains("bpmn:ServiceTask")) {
        assertThat(delegate).as(file.toString()).isNotNull();
        assertThat(beans).as(file.toString()).contains(delegate.substring(2, delegate.length() - 1));
      }
    }
  }

  @Test
  void diagramElementsThatUseATemplateFitIt() throws IOException {
    int checked = 0;
    for (Path diagram : BpmnLintTest.shippedDiagrams()) {
      BpmnModelInstance model = Bpmn.readModelFromFile(diagram.toFile());
      for (BaseElement element : model.getModelElementsByType(BaseElement.class)) {
        String templateId = element.getAttributeValueNs("http://camunda.org/schema/1.0/bpmn", "modelerTemplate");
        if (templateId == null) {
          continue;
        }
        JsonNode template = template(templateId);
        assertThat(template).as(diagram + ": " + element.getId() + " uses unknown template " + templateId).isNotNull();
        String delegate = delegateOf(template);
        if (delegate != null) {
          assertThat(element.getAttributeValueNs("http://camunda.org/schema/1.0/bpmn", "delegateExpression"))
              .as(diagram + ": " + element.getId()).isEqualTo(delegate);
        }
        Set<String> known = new HashSet<>();
        template.get("properties").forEach(p -> {
          if ("camunda:inputParameter".equals(p.at("/binding/type").asText())) {
            known.add(p.at("/binding/name").asText());
          }
        });
        List<CamundaInputParameter> inputs = element.getExtensionElements() == null ? List.of()
            : element.getExtensionElements().getElementsQuery().filterByType(CamundaInputOutput.class).list().stream()
                .flatMap(io -> io.getCamundaInputParameters().stream()).toList();
        for (CamundaInputParameter input : inputs) {
          assertThat(known).as(diagram + ": " + element.getId() + " input " + input.getCamundaName()).contains(input.getCamundaName());
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(15);
  }

  private JsonNode template(String id) throws IOException {
    for (Path file : templateFiles()) {
      JsonNode t = mapper.readTree(file.toFile()).get(0);
      if (t.get("id").asText().equals(id)) {
        return t;
      }
    }
    return null;
  }

  private static String delegateOf(JsonNode template) {
    for (JsonNode p : template.get("properties")) {
      if ("camunda:delegateExpression".equals(p.at("/binding/name").asText())) {
        return p.get("value").asText();
      }
    }
    return null;
  }

  static List<Path> templateFiles() throws IOException {
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      return new ArrayList<>(files.filter(f -> f.toString().endsWith(".json")).sorted().toList());
    }
  }
}
