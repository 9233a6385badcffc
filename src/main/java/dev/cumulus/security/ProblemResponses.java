package dev.cumulus.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** 401 and 403 from the security filters, as application/problem+json like every other error. */
@Component
class ProblemResponses {

  private final ObjectMapper mapper;

  ProblemResponses(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  void unauthorized(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
    response.setHeader("WWW-Authenticate", "Basic realm=\"Cumulus\"");
    write(request, response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail);
  }

  /** 401 for the web pages' own API: no WWW-Authenticate, so the browser shows no Basic dialog. */
  void loginRequired(HttpServletRequest request, HttpServletResponse response) throws IOException {
    write(request, response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", "log in at /ui/login.html");
  }

  void forbidden(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
    write(request, response, HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", detail);
  }

  private void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type, String title, String detail)
      throws IOException {
    Problems.write(request, response, status, type, title, detail, List.of(), mapper);
  }
}
