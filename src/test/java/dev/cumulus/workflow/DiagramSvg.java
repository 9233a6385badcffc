package dev.cumulus.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.Event;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.EventDefinition;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.TerminateEventDefinition;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.di.Waypoint;

/**
 * Draws a diagram as SVG from its diagram interchange (the shapes, edges and label positions the
 * Modeler saved), in the Modeler's visual language but simplified: no browser or Modeler is needed.
 * {@link DiagramPicturesTest} keeps docs/diagrams/*.svg in step with bpmn/*.bpmn.
 */
final class DiagramSvg {

  private DiagramSvg() {}

  static String render(Path bpmn) {
    BpmnModelInstance model = Bpmn.readModelFromFile(bpmn.toFile());
    var shapes = new ArrayList<BpmnShape>(model.getModelElementsByType(BpmnShape.class));
    // containers first, so what is inside them is drawn on top; boundary events last
    shapes.sort((a, b) -> Integer.compare(layer(a.getBpmnElement()), layer(b.getBpmnElement())));
    double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
    for (BpmnShape s : shapes) {
      for (Bounds b : boundsOf(s)) {
        minX = Math.min(minX, b.getX());
        minY = Math.min(minY, b.getY());
        maxX = Math.max(maxX, b.getX() + b.getWidth());
        maxY = Math.max(maxY, b.getY() + b.getHeight());
      }
    }
    for (BpmnEdge e : model.getModelElementsByType(BpmnEdge.class)) {
      for (Waypoint w : e.getWaypoints()) {
        minX = Math.min(minX, w.getX());
        minY = Math.min(minY, w.getY());
        maxX = Math.max(maxX, w.getX());
        maxY = Math.max(maxY, w.getY());
      }
    }
    double margin = 20;
    var svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.0f %.0f %.0f %.0f\" width=\"%.0f\" height=\"%.0f\""
            + " font-family=\"Arial, Helvetica, sans-serif\" font-size=\"12\">\n",
        minX - margin, minY - margin, maxX - minX + 2 * margin, maxY - minY + 2 * margin, maxX - minX + 2 * margin, maxY - minY + 2 * margin));
    svg.append("<!-- drawn by DiagramSvg from ").append(bpmn.getFileName()).append(" (diagram interchange); edit the .bpmn, not this file -->\n");
    svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
        + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#222\"/></marker></defs>\n");
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n",
        minX - margin, minY - margin, maxX - minX + 2 * margin, maxY - minY + 2 * margin));
    for (BpmnShape shape : shapes) {
      shape(svg, shape);
    }
    for (BpmnEdge edge : model.getModelElementsByType(BpmnEdge.class)) {
      edge(svg, edge);
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static int layer(BaseElement e) {
    return e instanceof SubProcess ? 0 : e instanceof BoundaryEvent ? 2 : 1;
  }

  private static List<Bounds> boundsOf(BpmnShape s) {
    var all = new ArrayList<Bounds>();
    all.add(s.getBounds());
    if (s.getBpmnLabel() != null && s.getBpmnLabel().getBounds() != null) {
      all.add(s.getBpmnLabel().getBounds());
    }
    return all;
  }

  private static void shape(StringBuilder svg, BpmnShape shape) {
    BaseElement element = shape.getBpmnElement();
    Bounds b = shape.getBounds();
    String name = element instanceof FlowNode n ? n.getName() : null;
    double cx = b.getX() + b.getWidth() / 2, cy = b.getY() + b.getHeight() / 2;
    if (element instanceof SubProcess) {
      svg.append(rect(b, 10, "#fafafa", 1.5, null));
      text(svg, name, b.getX() + 10, b.getY() + 18, "start", true);
      return;
    }
    if (element instanceof Event event) {
      double r = b.getWidth() / 2;
      boolean end = event instanceof EndEvent;
      boolean interrupting = !(event instanceof BoundaryEvent be) || be.cancelActivity();
      String dash = interrupting ? null : "4,3";
      svg.append(circle(cx, cy, r, end ? 3.5 : 1.5, dash));
      if (!(event instanceof StartEvent) && !end) {
        svg.append(circle(cx, cy, r - 3, 1, dash));
      }
      for (EventDefinition d : event.getChildElementsByType(EventDefinition.class)) {
        if (d instanceof TimerEventDefinition) {
          svg.append(circle(cx, cy, r - 8, 1, null));
          svg.append(line(cx, cy, cx, cy - (r - 11))).append(line(cx, cy, cx + (r - 12), cy));
        } else if (d instanceof MessageEventDefinition) {
          svg.append(String.format(Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"11\" fill=\"white\" stroke=\"#222\"/><polyline points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"#222\"/>\n",
              cx - 8, cy - 5.5, cx - 8, cy - 5.5, cx, cy + 1, cx + 8, cy - 5.5));
        } else if (d instanceof TerminateEventDefinition) {
          svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#222\"/>\n", cx, cy, r - 7));
        }
      }
      label(svg, shape, name);
      return;
    }
    if (element instanceof Gateway) {
      svg.append(String.format(Locale.ROOT, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"white\" stroke=\"#222\" stroke-width=\"1.5\"/>\n",
          cx, b.getY(), b.getX() + b.getWidth(), cy, cx, b.getY() + b.getHeight(), b.getX(), cy));
      if (element instanceof ExclusiveGateway) {
        svg.append(line(cx - 7, cy - 7, cx + 7, cy + 7, 3)).append(line(cx - 7, cy + 7, cx + 7, cy - 7, 3));
      } else if (element instanceof EventBasedGateway) {
        svg.append(circle(cx, cy, 11, 1, null)).append(circle(cx, cy, 8, 1, null));
      }
      label(svg, shape, name);
      return;
    }
    svg.append(rect(b, 10, "white", 1.5, null));
    String marker = element instanceof UserTask ? "user task" : element instanceof ServiceTask ? "service task"
        : element instanceof ReceiveTask ? "receive task" : null;
    if (marker != null) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"#777\">%s</text>\n", b.getX() + 5, b.getY() + 11, marker));
    }
    List<String> lines = wrap(name, (int) (b.getWidth() / 6.5));
    double y = cy - (lines.size() - 1) * 7 + 4;
    for (String l : lines) {
      text(svg, l, cx, y, "middle", false);
      y += 14;
    }
  }

  private static void edge(StringBuilder svg, BpmnEdge edge) {
    var points = new StringBuilder();
    for (Waypoint w : edge.getWaypoints()) {
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", w.getX(), w.getY()));
    }
    svg.append("<polyline points=\"").append(points.toString().trim())
        .append("\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>\n");
    if (edge.getBpmnElement() instanceof SequenceFlow flow && flow.getName() != null && edge.getBpmnLabel() != null) {
      Bounds l = edge.getBpmnLabel().getBounds();
      text(svg, flow.getName(), l.getX() + l.getWidth() / 2, l.getY() + 11, "middle", false);
    }
  }

  private static void label(StringBuilder svg, BpmnShape shape, String name) {
    if (name == null || shape.getBpmnLabel() == null || shape.getBpmnLabel().getBounds() == null) {
      return;
    }
    Bounds l = shape.getBpmnLabel().getBounds();
    double y = l.getY() + 11;
    for (String line : wrap(name, Math.max(8, (int) (l.getWidth() / 5.5)))) {
      text(svg, line, l.getX() + l.getWidth() / 2, y, "middle", false);
      y += 13;
    }
  }

  private static List<String> wrap(String text, int width) {
    var lines = new ArrayList<String>();
    if (text == null) {
      return lines;
    }
    var current = new StringBuilder();
    for (String word : text.split(" ")) {
      if (current.length() > 0 && current.length() + 1 + word.length() > width) {
        lines.add(current.toString());
        current.setLength(0);
      }
      if (current.length() > 0) {
        current.append(' ');
      }
      current.append(word);
    }
    if (current.length() > 0) {
      lines.add(current.toString());
    }
    return lines;
  }

  private static String rect(Bounds b, double radius, String fill, double stroke, String dash) {
    return String.format(Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.0f\" fill=\"%s\" stroke=\"#222\" stroke-width=\"%.1f\"%s/>\n",
        b.getX(), b.getY(), b.getWidth(), b.getHeight(), radius, fill, stroke, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
  }

  private static String circle(double cx, double cy, double r, double stroke, String dash) {
    return String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"white\" stroke=\"#222\" stroke-width=\"%.1f\"%s/>\n",
        cx, cy, r, stroke, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return line(x1, y1, x2, y2, 1);
  }

  private static String line(double x1, double y1, double x2, double y2, double width) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\" stroke-width=\"%.1f\"/>\n",
        x1, y1, x2, y2, width);
  }

  private static void text(StringBuilder svg, String text, double x, double y, String anchor, boolean bold) {
    if (text == null) {
      return;
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n",
        x, y, anchor, bold ? " font-weight=\"bold\"" : "", escape(text)));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Writes docs/diagrams/NAME.svg for every bpmn/NAME.bpmn. */
  static Map<Path, String> renderAll() throws IOException {
    var pictures = new HashMap<Path, String>();
    for (Path diagram : BpmnLintTest.shippedDiagrams()) {
      String name = diagram.getFileName().toString().replace(".bpmn", ".svg");
      pictures.put(Path.of("docs/diagrams").resolve(name), render(diagram));
    }
    return pictures;
  }

  public static void main(String[] args) throws IOException {
    for (var entry : renderAll().entrySet()) {
      Files.createDirectories(entry.getKey().getParent());
      Files.writeString(entry.getKey(), entry.getValue());
    }
  }
}
