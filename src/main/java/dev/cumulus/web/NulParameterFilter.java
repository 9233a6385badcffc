package dev.cumulus.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A NUL character ({@code %00}) in a query parameter is refused before anything reads it:
 * PostgreSQL cannot compare or store it, which would otherwise be a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class NulParameterFilter extends OncePerRequestFilter {

  private final ObjectMapper mapper;

  NulParameterFilter(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String query = request.getQueryString();
    if (query != null && query.toLowerCase(Locale.ROOT).contains("%00")) {
      String parameter = "query";
      for (String pair : query.split("&")) {
        if (pair.toLowerCase(Locale.ROOT).contains("%00")) {
          parameter = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
          break;
        }
      }
      var problem = ApiException.invalid(parameter, "noNul", "must not contain the NUL character (%00)");
      Problems.write(request, response, HttpStatus.BAD_REQUEST, problem.type().toString(), problem.title(), problem.getMessage(),
          List.of(problem.errors().get(0)), mapper);
      return;
    }
    chain.doFilter(request, response);
  }
}
