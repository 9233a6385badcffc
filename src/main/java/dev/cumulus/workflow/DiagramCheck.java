package dev.cumulus.workflow;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Deploying a diagram is running code, so every diagram passes this check before the engine takes it
 * (docs/workflows.md, "What a diagram may contain"). A whitelist: tasks and listeners call Cumulus's activities
 * only ({@code ${ourDelegate}}), nothing runs a script, a Java class or a free expression, and every
 * expression anywhere ({@code ${...}} or {@code #{...}} in an attribute or text) is a plain value or
 * comparison of variables: identifiers, literals and operators, no {@code .}, {@code [} or {@code (},
 * so no method, property or bean can be reached. Pure: no engine, no Spring.
 */
final class DiagramCheck {

  /** One refusal: the element (nearest id), the rule it broke, and what to change. */
  record Breach(String elementId, String rule, String message) {
    @Override
    public String toString() {
      return elementId + ": " + message + " (rule " + rule + ")";
    }
  }

  static final String ONLY_CUMULUS_ACTIVITIES = "onlyCumulusActivities";
  static final String NO_SCRIPTS = "noScripts";
  static final String PLAIN_EXPRESSIONS = "plainExpressions";
  static final String WELL_FORMED = "wellFormedXml";

  private static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  /** The engine reads its extension attributes in both namespaces (the old one with a warning). */
  private static final Set<String> EXTENSIONS = Set.of("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn");

  /** Extension attributes that name Java code, a script, an expression or an engine resource to run. */
  private static final Set<String> CODE_ATTRIBUTES = Set.of(
      "class", "expression", "resource", "decisionRef", "caseRef", "variableMappingClass", "variableMappingDelegateExpression");

  /** Names the engine's expression resolver maps to its own objects rather than to process variables. */
  private static final Set<String> ENGINE_OBJECTS = Set.of(
      "execution", "task", "caseExecution", "externalTask", "variableScope", "processEngine", "processEngineServices",
      "processEngineConfiguration", "applicationContext", "beanFactory");

  /** EL 3's assignment (=, +=), lambda (->) and separator (;) are not among them. */
  private static final Set<String> OPERATORS_2 = Set.of("==", "!=", "<=", ">=", "&&", "||");

  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "empty", "true", "false", "null");

  private final Set<String> activities;
  private final Predicate<String> isBean;

  /**
   * @param activities the delegate bean names a task or listener may call (Cumulus's activities)
   * @param isBean whether a name resolves to an application bean: such names are refused in expressions
   */
  DiagramCheck(Set<String> activities, Predicate<String> isBean) {
    this.activities = Set.copyOf(activities);
    this.isBean = isBean;
  }

  /** Every breach of the diagram, in document order; empty when it may be deployed. */
  List<Breach> check(byte[] bpmnXml) {
    Document document;
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      // entities could make this parse differ from the engine's: no DOCTYPE at all
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(bpmnXml));
    } catch (Exception e) {
      return List.of(new Breach("file", WELL_FORMED, "not well-formed XML without a DOCTYPE: " + e.getMessage()));
    }
    var breaches = new ArrayList<Breach>();
    visit(document.getDocumentElement(), "definitions", breaches);
    return breaches;
  }

  private void visit(Element element, String parentId, List<Breach> breaches) {
    String ns = element.getNamespaceURI();
    // a form field's id is not a diagram element: name the BPMN element around it
    String id = BPMN.equals(ns) && element.hasAttribute("id") ? element.getAttribute("id") : parentId;
    String name = element.getLocalName();
    boolean extension = ns != null && EXTENSIONS.contains(ns);
    if (BPMN.equals(ns) && (name.equals("scriptTask") || name.equals("script"))) {
      breaches.add(new Breach(id, NO_SCRIPTS, "a script task runs code; use a service task with one of Cumulus's activities"));
    }
    if (BPMN.equals(ns) && element.hasAttribute("language")) {
      breaches.add(new Breach(id, NO_SCRIPTS, "a " + name + " in the script language '" + element.getAttribute("language")
          + "' runs code; write a plain ${variable} comparison"));
    }
    if (extension) {
      switch (name) {
        case "script" -> breaches.add(new Breach(id, NO_SCRIPTS, "camunda:script runs code; use a plain value or ${variable}"));
        case "connector" -> breaches.add(new Breach(id, ONLY_CUMULUS_ACTIVITIES, "a connector calls out of the engine; use Cumulus's activities"));
        case "field" -> breaches.add(new Breach(id, ONLY_CUMULUS_ACTIVITIES,
            "camunda:field injects into a Java class; Cumulus's activities read input parameters"));
        case "constraint" -> {
          if ("validator".equals(element.getAttribute("name"))) {
            breaches.add(new Breach(id, ONLY_CUMULUS_ACTIVITIES, "a form field validator runs a Java class or bean"));
          }
        }
        default -> { }
      }
    }
    checkAttributes(element, id, extension, breaches);
    if (!(BPMN.equals(ns) && (name.equals("documentation") || name.equals("text")))) {
      String text = directText(element);
      if (text.contains("${") || text.contains("#{")) {
        expression(id, name, text, breaches);
      }
    }
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e) {
        visit(e, id, breaches);
      }
    }
  }

  private void checkAttributes(Element element, String id, boolean extensionElement, List<Breach> breaches) {
    NamedNodeMap attributes = element.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      Attr attribute = (Attr) attributes.item(i);
      String attributeName = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
      boolean namespaced = attribute.getNamespaceURI() != null && EXTENSIONS.contains(attribute.getNamespaceURI());
      // listeners and the like carry the engine's attributes without a prefix on an extension element
      boolean engineAttribute = namespaced || extensionElement && attribute.getNamespaceURI() == null;
      String value = attribute.getValue();
      if (engineAttribute && CODE_ATTRIBUTES.contains(attributeName)) {
        breaches.add(new Breach(id, ONLY_CUMULUS_ACTIVITIES,
            "camunda:" + attributeName + " runs code that is not one of Cumulus's activities; use camunda:delegateExpression=\"${activity}\""));
      } else if (namespaced && (attributeName.equals("type") || attributeName.equals("topic"))) {
        breaches.add(new Breach(id, ONLY_CUMULUS_ACTIVITIES,
            "camunda:" + attributeName + " hands the task to something other than Cumulus's activities"));
      } else if (engineAttribute && attributeName.equals("delegateExpression")) {
        String bean = value.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*}") ? value.substring(2, value.length() - 1) : null;
        if (bean == null || !activities.contains(bean)) {
          breaches.add(new Breach(id, ONLY_CUMULUS_ACTIVITIES,
              "camunda:delegateExpression '" + value + "' is not one of Cumulus's activities " + new java.util.TreeSet<>(activities)));
        }
      } else if (value.contains("${") || value.contains("#{")) {
        expression(id, attributeName, value, breaches);
      }
    }
  }

  private static String directText(Element element) {
    var text = new StringBuilder();
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
        text.append(child.getNodeValue());
      }
    }
    return text.toString();
  }

  /** Each ${...} / #{...} of a value: identifiers of variables, literals and operators only. */
  private void expression(String id, String where, String value, List<Breach> breaches) {
    String refusal = refusal(value);
    if (refusal != null) {
      breaches.add(new Breach(id, PLAIN_EXPRESSIONS, where + " '" + abbreviate(value) + "': " + refusal
          + "; only variables, literals and comparisons such as ${priority == 'High'} are allowed"));
    }
  }

  /** Why the value is not plain, or null when it is. */
  String refusal(String value) {
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if ((c == '$' || c == '#') && i + 1 < value.length() && value.charAt(i + 1) == '{') {
        i += 2;
        boolean closed = false;
        while (i < value.length()) {
          c = value.charAt(i);
          if (c == '}') {
            closed = true;
            i++;
            break;
          } else if (Character.isWhitespace(c)) {
            i++;
          } else if (c == '\'' || c == '"') {
            int end = endOfString(value, i);
            if (end < 0) {
              return "a string is not closed";
            }
            i = end;
          } else if (Character.isDigit(c)) {
            while (i < value.length() && (Character.isLetterOrDigit(value.charAt(i))
                || value.charAt(i) == '.' && i + 1 < value.length() && Character.isDigit(value.charAt(i + 1)))) {
              i++;
            }
          } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
            int start = i;
            while (i < value.length() && (Character.isLetterOrDigit(value.charAt(i)) && value.charAt(i) < 128 || value.charAt(i) == '_')) {
              i++;
            }
            String identifier = value.substring(start, i);
            if (ENGINE_OBJECTS.contains(identifier)) {
              return "'" + identifier + "' is the engine's own object, not a variable";
            }
            if (!KEYWORDS.contains(identifier) && isBean.test(identifier)) {
              return "'" + identifier + "' is an application bean, not a variable";
            }
          } else if (i + 1 < value.length() && OPERATORS_2.contains(value.substring(i, i + 2))) {
            i += 2;
          } else if ("<>!+-*/%?:".indexOf(c) >= 0 && !value.startsWith("->", i) && !value.startsWith("+=", i)) {
            i++;
          } else {
            return "'" + c + "' is not allowed (it reaches methods, properties or beans)";
          }
        }
        if (!closed) {
          return "the expression is not closed with '}'";
        }
      } else {
        i++;
      }
    }
    return null;
  }

  /** The index after the closing quote, or -1. */
  private static int endOfString(String value, int open) {
    char quote = value.charAt(open);
    for (int i = open + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    return -1;
  }

  private static String abbreviate(String value) {
    String oneLine = value.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
