package dev.cumulus.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Every error answer is application/problem+json, also those that never reach a controller: the
 * error page (a filter's or the servlet container's sendError, replacing Spring Boot's
 * BasicErrorController) and Tomcat's own refusals before any servlet runs (an encoded '/' in the
 * path, a header over the size limit), which its ErrorReportValve would answer in HTML.
 */
@Controller
class ProblemErrorController implements ErrorController, WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  private final ObjectMapper mapper;

  ProblemErrorController(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @RequestMapping("${server.error.path:${error.path:/error}}")
  void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : response.getStatus() >= 400 ? response.getStatus() : 500;
    HttpStatus known = HttpStatus.resolve(status);
    if (known == null) {
      known = status >= 500 ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_REQUEST;
    }
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String detail = known.is5xxServerError() ? "an unexpected error; nothing was changed" : known.getReasonPhrase() + ": " + (uri == null ? "" : uri);
    response.reset();
    Problems.write(new PathOf(request, uri), response, known, Problems.typeOf(known.value()), known.getReasonPhrase(), detail, List.of(), mapper);
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof StandardHost host) {
        host.setErrorReportValveClass(ProblemReportValve.class.getName());
      }
    });
  }

  /** The failed request's path in {@code instance}, not /error. */
  private static final class PathOf extends jakarta.servlet.http.HttpServletRequestWrapper {
    private final Object uri;

    PathOf(HttpServletRequest request, Object uri) {
      super(request);
      this.uri = uri;
    }

    @Override
    public String getRequestURI() {
      return uri == null ? super.getRequestURI() : uri.toString();
    }
  }

  /** Tomcat's error report as problem+json: status, a stable type, no server details. */
  public static class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      var ioAllowed = new java.util.concurrent.atomic.AtomicBoolean(true);
      response.getCoyoteResponse().action(org.apache.coyote.ActionCode.IS_IO_ALLOWED, ioAllowed);
      if (!ioAllowed.get()) {
        return;
      }
      HttpStatus known = HttpStatus.resolve(status);
      String title = known == null ? "Error" : known.getReasonPhrase();
      String detail = status >= 500
          ? "an unexpected error; nothing was changed"
          : "the server refused the request before it reached Cumulus (for example an encoded '/' or '\\\\' in the path, or a header over the size limit)";
      String body = "{\"type\":\"" + Problems.typeOf(status) + "\",\"title\":\"" + title + "\",\"status\":" + status
          + ",\"detail\":\"" + detail + "\"}";
      try {
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        var writer = response.getReporter();
        if (writer != null) {
          writer.write(body);
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // the client is gone or the response is committed: nothing more to say
      }
    }
  }
}
