package dev.cumulus.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Authenticates flows by the X-API-Key header; a wrong key is answered 401 at once. */
class ApiKeyFilter extends OncePerRequestFilter {

  static final String HEADER = dev.cumulus.web.ApiAccess.API_KEY_HEADER;

  private final List<byte[]> keys;
  private final ProblemResponses problems;

  ApiKeyFilter(List<String> keys, ProblemResponses problems) {
    this.keys = keys.stream().map(String::trim).filter(k -> !k.isEmpty()).map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = request.getHeader(HEADER);
    if (key != null) {
      byte[] given = key.trim().getBytes(StandardCharsets.UTF_8);
      if (keys.stream().noneMatch(k -> MessageDigest.isEqual(k, given))) {
        problems.unauthorized(request, response, "the API key is not valid");
        return;
      }
      String principal = "flow:" + key.trim().substring(0, Math.min(4, key.trim().length())) + "***";
      var auth =
          UsernamePasswordAuthenticationToken.authenticated(
              principal, null, List.of(new SimpleGrantedAuthority(Role.FLOW.authority())));
      SecurityContextHolder.getContext().setAuthentication(auth);
    }
    chain.doFilter(request, response);
  }
}
