package dev.cumulus.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Content negotiation before a write: Spring checks the Accept header only when it writes the
 * answer, after the handler has committed. A write whose answer the client cannot take is refused
 * (406 problem+json) before it changes anything.
 */
@Configuration
class AcceptBeforeWrite implements WebMvcConfigurer, HandlerInterceptor {

  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
  private static final List<MediaType> ANSWERS = List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this);
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws HttpMediaTypeNotAcceptableException {
    String accept = request.getHeader("Accept");
    if (!(handler instanceof HandlerMethod) || READS.contains(request.getMethod()) || accept == null || accept.isBlank()) {
      return true;
    }
    List<MediaType> accepted;
    try {
      accepted = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      throw new HttpMediaTypeNotAcceptableException("Accept is not a list of media types: " + e.getMessage());
    }
    if (accepted.stream().anyMatch(a -> ANSWERS.stream().anyMatch(a::isCompatibleWith))) {
      return true;
    }
    throw new HttpMediaTypeNotAcceptableException(ANSWERS);
  }
}
