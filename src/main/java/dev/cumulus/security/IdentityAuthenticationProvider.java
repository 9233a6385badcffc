package dev.cumulus.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/** HTTP Basic against the engine's identity users; roles from their groups. */
@Component
class IdentityAuthenticationProvider implements AuthenticationProvider {

  private final IdentityDirectory directory;
  private final VerifiedCredentials verified;

  IdentityAuthenticationProvider(IdentityDirectory directory, VerifiedCredentials verified) {
    this.directory = directory;
    this.verified = verified;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String user = authentication.getName();
    Object password = authentication.getCredentials();
    if (user == null || password == null) {
      throw new BadCredentialsException("wrong user or password");
    }
    Optional<java.util.List<GrantedAuthority>> known = verified.rolesOf(user, password.toString());
    if (known.isPresent()) {
      return UsernamePasswordAuthenticationToken.authenticated(user, null, known.get());
    }
    // the engine locks a user for a few seconds after a wrong password, also against the right one:
    // say so, and for how long, instead of "wrong password"
    Optional<Instant> lockedBefore = directory.lockedUntil(user);
    if (lockedBefore.isPresent()) {
      throw new AccountLocked(lockedBefore.get(), false);
    }
    if (!directory.checkPassword(user, password.toString())) {
      Optional<Instant> lockedNow = directory.lockedUntil(user);
      if (lockedNow.isPresent()) {
        throw new AccountLocked(lockedNow.get(), true);
      }
      throw new BadCredentialsException("wrong user or password");
    }
    var authorities = new ArrayList<GrantedAuthority>();
    var groups = directory.groupsOf(user);
    if (groups.contains(IdentityDirectory.ADMIN_GROUP)) {
      authorities.add(new SimpleGrantedAuthority(Role.ADMIN.authority()));
    }
    if (groups.contains(IdentityDirectory.SUPERVISORS_GROUP)) {
      authorities.add(new SimpleGrantedAuthority(Role.SUPERVISOR.authority()));
    }
    if (groups.contains(IdentityDirectory.AGENTS_GROUP)) {
      authorities.add(new SimpleGrantedAuthority(Role.AGENT.authority()));
    }
    verified.verified(user, password.toString(), authorities);
    return UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
  }

  /**
   * A locked account, with the seconds to wait (0: until an administrator unlocks it), and whether
   * this attempt's wrong password locked it.
   */
  static final class AccountLocked extends LockedException {
    final long seconds;
    final boolean wrongPassword;

    AccountLocked(Instant until, boolean wrongPassword) {
      this(until == Instant.MAX ? 0 : Math.max(1, Duration.between(Instant.now(), until).toMillis() / 1000 + 1), wrongPassword);
    }

    private AccountLocked(long seconds, boolean wrongPassword) {
      super((wrongPassword ? "wrong user or password; " : "")
          + (seconds == 0
              ? "the account is locked after too many wrong passwords; an administrator unlocks it in Camunda Admin"
              : "the account is locked for " + seconds + " s after a wrong password; try again then"));
      this.seconds = seconds;
      this.wrongPassword = wrongPassword;
    }
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
