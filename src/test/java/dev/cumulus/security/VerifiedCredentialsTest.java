package dev.cumulus.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** Basic credentials verified once are answered from memory for a while, and never a wrong one. */
class VerifiedCredentialsTest {

  private final MutableClock clock = new MutableClock();
  private final CountingDirectory directory = new CountingDirectory();
  private final VerifiedCredentials verified = new VerifiedCredentials(new SecurityProperties(List.of(), Duration.ofSeconds(30)), clock);
  private final IdentityAuthenticationProvider provider = new IdentityAuthenticationProvider(directory, verified);

  @Test
  void theSecondRequestWithTheSamePasswordSkipsTheLookupsAndHasTheSameRoles() {
    Authentication first = provider.authenticate(basic("bob@contoso.com", "s3cret"));
    int lookups = directory.calls;
    Authentication second = provider.authenticate(basic("bob@contoso.com", "s3cret"));

    assertThat(lookups).isEqualTo(3);
    assertThat(directory.calls).as("no lookup for the second").isEqualTo(3);
    assertThat(second.getAuthorities()).extracting(GrantedAuthority::getAuthority)
        .containsExactlyElementsOf(first.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList())
        .contains(Role.AGENT.authority());
  }

  @Test
  void aWrongPasswordIsAlwaysCheckedAndNeverRemembered() {
    provider.authenticate(basic("bob@contoso.com", "s3cret"));

    assertThatThrownBy(() -> provider.authenticate(basic("bob@contoso.com", "guess"))).isInstanceOf(BadCredentialsException.class);
    assertThatThrownBy(() -> provider.authenticate(basic("bob@contoso.com", "guess"))).isInstanceOf(BadCredentialsException.class);
    assertThat(directory.calls).as("each wrong attempt goes to the directory").isEqualTo(3 + 3 + 3);
  }

  @Test
  void theyCountForTheTtlOnlyAndAChangeThroughCumulusForgetsThemAtOnce() {
    provider.authenticate(basic("bob@contoso.com", "s3cret"));
    clock.advance(Duration.ofSeconds(31));
    provider.authenticate(basic("bob@contoso.com", "s3cret"));
    assertThat(directory.calls).as("checked again after the TTL").isEqualTo(6);

    // the password changes through PUT /v1/users/{upn}
    directory.passwords.put("bob@contoso.com", "n3w");
    verified.forget(new UserChanged("bob@contoso.com"));

    assertThatThrownBy(() -> provider.authenticate(basic("bob@contoso.com", "s3cret"))).isInstanceOf(BadCredentialsException.class);
    assertThat(provider.authenticate(basic("bob@contoso.com", "n3w")).isAuthenticated()).isTrue();
  }

  @Test
  void aTtlOfZeroTurnsItOff() {
    var off = new IdentityAuthenticationProvider(directory, new VerifiedCredentials(new SecurityProperties(List.of(), Duration.ZERO), clock));
    off.authenticate(basic("bob@contoso.com", "s3cret"));
    off.authenticate(basic("bob@contoso.com", "s3cret"));
    assertThat(directory.calls).isEqualTo(6);
  }

  private static Authentication basic(String user, String password) {
    return UsernamePasswordAuthenticationToken.unauthenticated(user, password);
  }

  private static final class CountingDirectory implements IdentityDirectory {
    int calls;
    final Map<String, String> passwords = new HashMap<>(Map.of("bob@contoso.com", "s3cret"));

    @Override
    public boolean checkPassword(String userId, String password) {
      calls++;
      return password.equals(passwords.get(userId));
    }

    @Override
    public Optional<Instant> lockedUntil(String userId) {
      calls++;
      return Optional.empty();
    }

    @Override
    public Set<String> groupsOf(String userId) {
      calls++;
      return Set.of(AGENTS_GROUP);
    }

    @Override
    public boolean userExists(String userId) {
      return true;
    }

    @Override
    public Optional<String> displayName(String userId) {
      return Optional.empty();
    }

    @Override
    public void saveUser(String userId, String displayName, String password) {}

    @Override
    public void setRoleGroups(String userId, Set<String> groups) {}

    @Override
    public void ensureGroup(String groupId, String name) {}
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-02T09:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
