package dev.cumulus.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies a template of bpmn/element-templates to a new service task, the way the Modeler does: the
 * Hidden and default values of its properties, overridden by what an author typed into its form.
 * Properties the author leaves empty are not written (the Modeler leaves an empty input out too).
 */
final class TemplateApplier {

  private TemplateApplier() {}

  static String apply(String templateId, String elementId, String name, Map<String, String> typed) {
    JsonNode template = find(templateId);
    var attributes = new LinkedHashMap<String, String>();
    var inputs = new LinkedHashMap<String, String>();
    for (JsonNode p : template.get("properties")) {
      String type = p.at("/binding/type").asText();
      String bindingName = p.at("/binding/name").asText();
      String value = typed.containsKey(bindingName) ? typed.get(bindingName) : p.path("value").asText(null);
      if (value == null || value.isEmpty()) {
        continue;
      }
      if ("property".equals(type)) {
        attributes.put(bindingName, value);
      } else if ("camunda:inputParameter".equals(type)) {
        inputs.put(bindingName, value);
      }
    }
    var xml = new StringBuilder("<bpmn:serviceTask id=\"").append(elementId).append("\" name=\"").append(escape(name))
        .append("\" camunda:modelerTemplate=\"").append(templateId).append("\" camunda:modelerTemplateVersion=\"")
        .append(template.get("version").asInt()).append('"');
    attributes.forEach((k, v) -> xml.append(' ').append(k).append("=\"").append(escape(v)).append('"'));
    xml.append('>');
    if (!inputs.isEmpty()) {
      xml.append("<bpmn:extensionElements><camunda:inputOutput>");
      inputs.forEach((k, v) -> xml.append("<camunda:inputParameter name=\"").append(k).append("\">").append(escape(v)).append("</camunda:inputParameter>"));
      xml.append("</camunda:inputOutput></bpmn:extensionElements>");
    }
    return xml.append("</bpmn:serviceTask>").toString();
  }

  private static JsonNode find(String templateId) {
    try {
      for (Path file : ElementTemplatesTest.templateFiles()) {
        JsonNode t = new ObjectMapper().readTree(file.toFile()).get(0);
        if (t.get("id").asText().equals(templateId)) {
          return t;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("no template " + templateId);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
  }
}
