package dev.cumulus.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The pictures in docs/diagrams that docs/workflows.md shows are drawn from the diagrams as they are. After
 * editing a diagram, redraw them: {@code ./mvnw -q test -Dtest=DiagramPicturesTest -Dcumulus.redraw=true}.
 */
class DiagramPicturesTest {

  @Test
  void everyPictureShowsItsDiagramAsItIsNow() throws IOException {
    boolean redraw = Boolean.getBoolean("cumulus.redraw");
    var pictures = DiagramSvg.renderAll();
    assertThat(pictures).hasSizeGreaterThanOrEqualTo(5);
    for (var picture : pictures.entrySet()) {
      Path file = picture.getKey();
      if (redraw) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, picture.getValue());
      }
      assertThat(file).as(file + " is missing: redraw with -Dcumulus.redraw=true").exists();
      assertThat(Files.readString(file)).as(file + " is stale: redraw with -Dcumulus.redraw=true").isEqualTo(picture.getValue());
    }
  }

  @Test
  void aPictureShowsEveryNamedElement() {
    String svg = DiagramSvg.render(Path.of("bpmn/escalation.bpmn"));
    assertThat(svg).contains("Raise priority", "Transfer to", "Queue task", "With the agents", "Cancel task")
        .startsWith("<svg");
  }
}
