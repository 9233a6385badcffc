package dev.cumulus.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * HTTP Basic credentials this node verified lately, with the roles they gave: an API client sends its
 * password on every request, and without this each request would cost three identity lookups (lock
 * state, password, groups), each in a transaction of its own. Only successful checks are kept, under
 * a digest of user and password salted per node (no password is held), for
 * {@code cumulus.security.credentials-cache-ttl}. A wrong password is never answered from here, and a
 * change of the user through Cumulus forgets them at once.
 */
@Component
class VerifiedCredentials {

  private static final int MAX_ENTRIES = 10_000;

  private record Entry(String user, List<GrantedAuthority> authorities, Instant until) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final byte[] salt = new byte[32];
  private final Duration ttl;
  private final Clock clock;

  VerifiedCredentials(SecurityProperties properties, Clock clock) {
    new SecureRandom().nextBytes(salt);
    this.ttl = properties.credentialsCacheTtl() == null ? Duration.ZERO : properties.credentialsCacheTtl();
    this.clock = clock;
  }

  /** The roles these credentials gave when they were verified, while that is recent enough. */
  Optional<List<GrantedAuthority>> rolesOf(String user, String password) {
    if (ttl.isZero() || ttl.isNegative()) {
      return Optional.empty();
    }
    String key = key(user, password);
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!entry.until().isAfter(clock.instant())) {
      entries.remove(key, entry);
      return Optional.empty();
    }
    return Optional.of(entry.authorities());
  }

  void verified(String user, String password, List<GrantedAuthority> authorities) {
    if (ttl.isZero() || ttl.isNegative()) {
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key(user, password), new Entry(user, List.copyOf(authorities), clock.instant().plus(ttl)));
  }

  /** The user's password or roles changed: their next request is checked again. */
  @TransactionalEventListener(fallbackExecution = true)
  void forget(UserChanged change) {
    entries.values().removeIf(e -> e.user().equalsIgnoreCase(change.userId()));
  }

  private String key(String user, String password) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(user.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
