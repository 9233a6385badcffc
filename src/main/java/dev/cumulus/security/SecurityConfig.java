package dev.cumulus.security;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.PUT;

import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * One answer to "who may do what". People use HTTP Basic with their Camunda identity (the web pages: a
 * form login with the same identity); flows use an X-API-Key. The Camunda webapps (Cockpit, Tasklist, Admin) keep their own login and CSRF
 * protection; the engine REST API lets in admins and supervisors, and the engine then checks each call
 * against their grants (identity.EngineGrants). Open: health and the OpenAPI document.
 */
@Configuration
@EnableWebSecurity
class SecurityConfig {

  private static final String[] ADMINS = {Role.ADMIN.name()};
  private static final String[] STEERING = {Role.ADMIN.name(), Role.SUPERVISOR.name(), Role.FLOW.name()};

  /**
   * The webapps authenticate themselves (login form, session, their own CSRF token) and the engine
   * checks each call against the grants of the logged-in user. Their API (/camunda/api/**) is served
   * by the webapps' own JAX-RS servlets, not by Spring MVC's DispatcherServlet, so the chain matches
   * the path within the application (servlet path included), not a servlet-relative pattern.
   */
  @Bean
  @Order(1)
  SecurityFilterChain camundaWebapps(HttpSecurity http, @Value("${camunda.bpm.webapp.application-path:/camunda}") String webapps)
      throws Exception {
    String root = webapps.endsWith("/") ? webapps.substring(0, webapps.length() - 1) : webapps;
    // Cockpit also asks for <root>-welcome (the Welcome app's link): outside this chain it would get the
    // API's Basic challenge, and the browser's sign-in dialog would block Cockpit's own login form
    var paths = PathPatternRequestMatcher.withDefaults();
    http.securityMatcher(new OrRequestMatcher(paths.matcher(root + "/**"), paths.matcher(root + "-welcome")))
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .csrf(c -> c.disable())
        .headers(h -> h.frameOptions(f -> f.sameOrigin()));
    return http.build();
  }

  /**
   * The web pages (My Sessions, supervisor dashboard, reports) under /ui: a form login against the same
   * identity provider, a session cookie and CSRF protection. The API below stays stateless (HTTP
   * Basic, API keys) and never reads this session. The pages' libraries (/webjars/**, Chart.js) are
   * public code and open like the pages' own scripts; the strict CSP allows them as 'self'.
   */
  @Bean
  @Order(2)
  SecurityFilterChain pages(HttpSecurity http, IdentityAuthenticationProvider provider, ProblemResponses problems) throws Exception {
    var pageApi = PathPatternRequestMatcher.withDefaults().matcher("/ui/api/**");
    http.securityMatcher("/ui", "/ui/**", "/webjars/**")
        .authenticationManager(new ProviderManager(provider))
        .formLogin(
            f ->
                f.loginPage("/ui/login.html")
                    .loginProcessingUrl("/ui/login")
                    .defaultSuccessUrl("/ui/", true)
                    .failureHandler(
                        (req, res, ex) -> res.sendRedirect(req.getContextPath() + "/ui/login.html?"
                            + (ex instanceof IdentityAuthenticationProvider.AccountLocked locked
                                ? "locked=" + locked.seconds + (locked.wrongPassword ? "&error" : "")
                                : "error")))
                    .permitAll())
        .logout(l -> l.logoutUrl("/ui/logout").logoutSuccessUrl("/ui/login.html?logout").permitAll())
        .exceptionHandling(
            e ->
                // the pages' API answers problem+json; a page itself leads to the login form
                e.authenticationEntryPoint(
                        (req, res, ex) -> {
                          if (pageApi.matches(req)) {
                            problems.loginRequired(req, res);
                          } else {
                            res.sendRedirect(req.getContextPath() + "/ui/login.html");
                          }
                        })
                    .accessDeniedHandler(
                        (req, res, ex) ->
                            problems.forbidden(
                                req, res, ex instanceof CsrfException ? "the CSRF token is missing or stale; reload the page" : "your role may not do this")))
        .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")))
        .authorizeHttpRequests(
            a ->
                a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers("/ui/login.html", "/ui/*.css", "/ui/*.js", "/ui/*.svg", "/ui/api/csrf", "/webjars/**")
                    .permitAll()
                    // the reports' API checks each role's figures itself (reports.ReportAccess); the page is for those who read services
                    .requestMatchers("/ui/supervisor.html", "/ui/reports.html", "/ui/api/supervisor/**")
                    .hasAnyRole(Role.ADMIN.name(), Role.SUPERVISOR.name())
                    .anyRequest()
                    .authenticated());
    return http.build();
  }

  @Bean
  @Order(3)
  SecurityFilterChain api(
      HttpSecurity http,
      IdentityAuthenticationProvider provider,
      SecurityProperties properties,
      ProblemResponses problems)
      throws Exception {
    http.csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authenticationManager(new ProviderManager(provider))
        .httpBasic(b -> b.authenticationEntryPoint((req, res, e) -> problems.unauthorized(req, res,
            e instanceof IdentityAuthenticationProvider.AccountLocked ? e.getMessage() : "log in with HTTP Basic or send an X-API-Key")))
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint((req, res, ex) -> problems.unauthorized(req, res, "log in with HTTP Basic or send an X-API-Key"))
                    .accessDeniedHandler((req, res, ex) -> problems.forbidden(req, res, "your role may not do this")))
        .addFilterBefore(new ApiKeyFilter(properties.apiKeys(), problems), BasicAuthenticationFilter.class)
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/actuator/health", "/actuator/health/**", "/v3/api-docs", "/v3/api-docs/**",
                        "/swagger-ui.html", "/swagger-ui/**", "/error")
                    .permitAll()
                    .requestMatchers("/", "/favicon.ico")
                    .permitAll()
                    .requestMatchers("/actuator/**")
                    .hasAnyRole(ADMINS)
                    .requestMatchers("/engine-rest/**")
                    .hasAnyRole(Role.ADMIN.name(), Role.SUPERVISOR.name())
                    // agents: their own state, sessions and offers (checked per task / per user)
                    .requestMatchers("/v1/users/*/state", "/v1/users/*/sessions", "/v1/users/*/duty", "/v1/users/*/rona-reset")
                    .authenticated()
                    .requestMatchers(
                        "/v1/ExternalTasks/*/accept", "/v1/ExternalTasks/*/decline", "/v1/ExternalTasks/*/complete",
                        "/v1/ExternalTasks/*/pickup", "/v1/ExternalTasks/*/after-work/extend")
                    .authenticated()
                    .requestMatchers(GET, "/v1/ExternalTasks/*")
                    .authenticated()
                    // reports and their OData feed: each role its own figures (reports.ReportAccess)
                    .requestMatchers(GET, "/v1/reports/**", "/v1/odata", "/v1/odata/**")
                    .authenticated()
                    .requestMatchers(PUT, "/v1/services/**", "/v1/users/**")
                    .hasAnyRole(ADMINS)
                    .requestMatchers(org.springframework.http.HttpMethod.POST, "/v1/workflows")
                    .hasAnyRole(ADMINS)
                    .requestMatchers(GET, "/v1/workflows", "/v1/workflows/**")
                    .hasAnyRole(Role.ADMIN.name(), Role.SUPERVISOR.name())
                    .requestMatchers(GET, "/v1/users/**")
                    .hasAnyRole(Role.ADMIN.name(), Role.SUPERVISOR.name())
                    .requestMatchers("/v1/**")
                    .hasAnyRole(STEERING)
                    .anyRequest()
                    .authenticated());
    return http.build();
  }
}
