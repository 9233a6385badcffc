package dev.cumulus.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where webhooks may go, with a fake name resolver: refused by default, allowed by the settings. */
class WebhookTargetsTest {

  private final Map<String, Deque<String>> dns = new java.util.HashMap<>();

  private WebhookTargets targets(List<String> allowedHosts, boolean allowPrivateNetworks) {
    var properties = new WebhookProperties(
        Duration.ofMillis(500), Duration.ofSeconds(5), 12, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofDays(7),
        allowedHosts, allowPrivateNetworks);
    return new WebhookTargets(properties, host -> {
      Deque<String> answers = dns.get(host);
      if (answers == null) {
        return InetAddress.getAllByName(host); // literals only: no lookup for an address
      }
      String address = answers.size() > 1 ? answers.poll() : answers.peek();
      return new InetAddress[] {InetAddress.getByName(address)};
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1/hook", "http://127.9.9.9/hook", "http://[::1]/hook", "http://0.0.0.0/hook", "http://[::]/hook",
      "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://10.1.2.3/hook", "http://172.16.0.1/hook",
      "http://172.31.255.255/hook", "http://192.168.1.1/hook", "http://[fc00::1]/hook", "http://[fd12:3456::1]/hook",
      "http://224.0.0.1/hook", "http://[ff02::1]/hook", "http://100.64.0.1/hook", "http://[::ffff:127.0.0.1]/hook",
      "http://[::ffff:169.254.169.254]/hook", "http://[::10.0.0.1]/hook", "http://255.255.255.255/hook"})
  void blockedAddressesAreRefusedByDefault(String url) {
    assertThat(targets(List.of(), false).refusal(url)).as(url).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "jar:http://x/y!/z", "http:///nohost"})
  void otherSchemesAndHostlessUrlsAreRefused(String url) {
    assertThat(targets(List.of(), true).refusal(url)).as(url).isNotNull();
  }

  @Test
  void aPublicAddressIsAllowed() {
    dns.put("hooks.example.com", new ArrayDeque<>(List.of("93.184.216.34")));
    assertThat(targets(List.of(), false).refusal("https://hooks.example.com/in")).isNull();
    assertThat(targets(List.of(), false).refusal("http://8.8.8.8/hook")).isNull();
    assertThat(targets(List.of(), false).refusal("http://[2001:4860:4860::8888]/hook")).isNull();
  }

  @Test
  void aNameIsJudgedByWhatItResolvesTo() {
    dns.put("metadata.attacker.test", new ArrayDeque<>(List.of("169.254.169.254")));
    assertThat(targets(List.of(), true).refusal("http://metadata.attacker.test/"))
        .isEqualTo("host metadata.attacker.test is a link-local address (cloud metadata lives there) (169.254.169.254); allow it with cumulus.webhooks.allowed-hosts");
  }

  @Test
  void aNameRePointedAfterTheCheckIsRefusedAtTheNextCheck() {
    dns.put("rebind.attacker.test", new ArrayDeque<>(List.of("93.184.216.34", "127.0.0.1")));
    var targets = targets(List.of(), false);
    assertThat(targets.refusal("http://rebind.attacker.test/hook")).isNull();
    assertThat(targets.refusal("http://rebind.attacker.test/hook")).contains("loopback");
  }

  @Test
  void privateNetworksAreAllowedBySettingButLoopbackAndMetadataStayRefused() {
    var targets = targets(List.of(), true);
    assertThat(targets.refusal("http://10.1.2.3/hook")).isNull();
    assertThat(targets.refusal("http://192.168.1.1/hook")).isNull();
    assertThat(targets.refusal("http://[fd00::1]/hook")).isNull();
    assertThat(targets.refusal("http://127.0.0.1/hook")).contains("loopback");
    assertThat(targets.refusal("http://169.254.169.254/hook")).contains("link-local");
    assertThat(targets(List.of(), false).refusal("http://10.1.2.3/hook"))
        .endsWith("allow it with cumulus.webhooks.allowed-hosts or cumulus.webhooks.allow-private-networks");
  }

  @Test
  void namedHostsAreAllowedWhateverTheyResolveTo() throws UnknownHostException {
    dns.put("crm.intranet.test", new ArrayDeque<>(List.of("10.0.0.7")));
    var targets = targets(List.of("crm.intranet.test", "127.0.0.1", " [::1] ".replace("[", "").replace("]", "")), false);
    assertThat(targets.refusal("http://CRM.intranet.test:8443/hook")).isNull();
    assertThat(targets.refusal("http://127.0.0.1:9/hook")).isNull();
    assertThat(targets.refusal("http://[::1]:9/hook")).isNull();
    assertThat(targets.refusal("http://127.0.0.2/hook")).contains("loopback");
  }
}
