package dev.cumulus.security;

import java.util.ArrayList;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/** HTTP Basic against the engine's identity users; roles from their groups. */
@Component
class IdentityAuthenticationProvider implements AuthenticationProvider {

  private final IdentityDirectory directory;

  IdentityAuthenticationProvider(IdentityDirectory directory) {
    this.directory = directory;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String user = authentication.getName();
    Object password = authentication.getCredentials();
    if (user == null || password == null || !directory.checkPassword(user, password.toString())) {
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
    return UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
