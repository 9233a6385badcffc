package dev.cumulus.identity;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tells the engine who calls /engine-rest (Spring Security authenticated them), so what the engine
 * does on their behalf, such as ending a task's instance, is recorded with their name.
 */
@Configuration
class EngineRestAuthentication {

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> engineRestAuthenticationFilter(IdentityService identity) {
    var filter =
        new OncePerRequestFilter() {
          @Override
          protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
              throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth == null || !auth.isAuthenticated()) {
              chain.doFilter(request, response);
              return;
            }
            var groups = new ArrayList<>(new CamundaIdentityDirectory(identity).groupsOf(auth.getName()));
            identity.setAuthentication(auth.getName(), groups);
            try {
              chain.doFilter(request, response);
            } finally {
              identity.clearAuthentication();
            }
          }
        };
    var registration = new FilterRegistrationBean<OncePerRequestFilter>(filter);
    registration.addUrlPatterns("/engine-rest/*");
    return registration;
  }
}
