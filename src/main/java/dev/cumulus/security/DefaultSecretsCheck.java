package dev.cumulus.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Outside demo mode (cumulus.demo.enabled=false) Cumulus refuses to start while the first
 * administrator's password or a flow's API key is one that this repository publishes. It runs on the
 * prepared configuration, before the engine starts and creates the administrator with that password.
 */
public class DefaultSecretsCheck implements EnvironmentPostProcessor, Ordered {

  /** Published in the README, application.yaml and docker-compose.yml. */
  static final Set<String> PUBLISHED_PASSWORDS = Set.of("admin", "demo");

  static final Set<String> PUBLISHED_API_KEYS = Set.of("demo-flow-key", "change-me-flow-key");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    List<String> problems = problems(Binder.get(environment));
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Cumulus refuses to start with a published default secret outside demo mode: " + String.join("; ", problems)
              + " (or set CUMULUS_DEMO_DATA=true for a local trial)");
    }
  }

  static List<String> problems(Binder config) {
    if (config.bind("cumulus.demo.enabled", Boolean.class).orElse(false)) {
      return List.of();
    }
    var problems = new ArrayList<String>();
    String password = config.bind("camunda.bpm.admin-user.password", String.class).orElse("");
    if (password.isBlank() || PUBLISHED_PASSWORDS.contains(password.trim())) {
      problems.add("set CUMULUS_ADMIN_PASSWORD (camunda.bpm.admin-user.password) to a password of your own");
    }
    List<String> keys = config.bind("cumulus.security.api-keys", Bindable.listOf(String.class)).orElse(List.of());
    if (keys.stream().map(String::trim).anyMatch(PUBLISHED_API_KEYS::contains)) {
      problems.add("set CUMULUS_API_KEYS (cumulus.security.api-keys) to keys of your own, without " + PUBLISHED_API_KEYS.stream().sorted().toList());
    }
    return problems;
  }

  @Override
  public int getOrder() {
    // after the application's configuration files and the environment are read
    return Ordered.LOWEST_PRECEDENCE;
  }
}
