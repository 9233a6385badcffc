package dev.cumulus.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cumulus.CumulusApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Outside demo mode the published admin password and API keys are refused, naming the setting. */
class DefaultSecretsCheckTest {

  @Test
  void outsideDemoModeThePublishedAdminPasswordAndApiKeysAreRefused() {
    var problems = DefaultSecretsCheck.problems(config(Map.of(
        "cumulus.demo.enabled", "false", "camunda.bpm.admin-user.password", "admin", "cumulus.security.api-keys", "mine-1,demo-flow-key")));

    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("CUMULUS_ADMIN_PASSWORD");
    assertThat(problems.get(1)).contains("CUMULUS_API_KEYS");
  }

  @Test
  void aBlankAdminPasswordOrDockerComposesTrialKeyIsRefusedToo() {
    var problems = DefaultSecretsCheck.problems(config(Map.of(
        "cumulus.demo.enabled", "false", "camunda.bpm.admin-user.password", " ", "cumulus.security.api-keys", "change-me-flow-key")));

    assertThat(problems).hasSize(2);
  }

  @Test
  void secretsOfYourOwnOrDemoModeStart() {
    assertThat(DefaultSecretsCheck.problems(config(Map.of(
        "cumulus.demo.enabled", "false", "camunda.bpm.admin-user.password", "s3cret-admin", "cumulus.security.api-keys", "k-4711"))))
        .isEmpty();
    assertThat(DefaultSecretsCheck.problems(config(Map.of(
        "cumulus.demo.enabled", "true", "camunda.bpm.admin-user.password", "admin", "cumulus.security.api-keys", "demo-flow-key"))))
        .isEmpty();
  }

  @Test
  void thePostgresProfileWithThePublishedDefaultsDoesNotStart() {
    // the profile turns demo data off; the command line brings back the defaults application.yaml publishes
    var app = new SpringApplication(CumulusApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);

    assertThatThrownBy(() -> app.run(
            "--spring.profiles.active=postgres", "--camunda.bpm.admin-user.password=admin", "--cumulus.security.api-keys=demo-flow-key"))
        .hasMessageContaining("CUMULUS_ADMIN_PASSWORD")
        .hasMessageContaining("CUMULUS_API_KEYS");
  }

  private static Binder config(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values));
  }
}
