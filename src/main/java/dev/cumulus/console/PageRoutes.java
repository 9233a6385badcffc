package dev.cumulus.console;

import dev.cumulus.security.Caller;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Entry points: the root leads to the pages; /ui/ opens the page that fits the person's role. */
@Controller
class PageRoutes {

  @GetMapping("/")
  String root() {
    return "redirect:/ui/";
  }

  @GetMapping({"/ui", "/ui/"})
  String home() {
    Viewer viewer = Viewer.of(Caller.current());
    return viewer.admin() || viewer.supervisor() ? "redirect:/ui/supervisor.html" : "redirect:/ui/agent.html";
  }
}
