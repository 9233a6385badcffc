package dev.cumulus.support;

import static dev.cumulus.support.Api.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds services and agents of its own through the admin API, so tests never share state. */
public final class Scenario {

  private static final AtomicInteger SEQ = new AtomicInteger();
  public static final String PASSWORD = "secret1";

  private final String base;
  private final Api admin;
  private final String tag;

  public Scenario(String base) {
    this.base = base;
    this.admin = Api.admin(base);
    this.tag = "t" + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100000, 36);
  }

  public String agent(String name, int capacity) {
    String upn = name + "." + tag + "@contoso.test";
    var r = admin.put("/v1/users/" + upn, map("displayName", name, "password", PASSWORD, "capacity", capacity));
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
    return upn;
  }

  /** A user with the Supervisor role who supervises the given services. */
  public String supervisor(String name, String... services) {
    String upn = name + "." + tag + "@contoso.test";
    var r = admin.put("/v1/users/" + upn, map("displayName", name, "password", PASSWORD, "roles", List.of("Supervisor")));
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
    for (String service : services) {
      var s = admin.put("/v1/services/" + service + "/supervisors", map("supervisors", List.of(upn)));
      assertThat(s.status()).as(s.toString()).isEqualTo(200);
    }
    return upn;
  }

  public String service(String name, List<String> members, Map<String, Object> settings) {
    String upn = name + "." + tag + "@contoso.test";
    var body = new java.util.LinkedHashMap<String, Object>(settings);
    body.put("displayName", name);
    body.put("members", new ArrayList<>(members));
    var r = admin.put("/v1/services/" + upn, body);
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
    return upn;
  }

  public Api as(String upn) {
    return Api.user(base, upn, PASSWORD);
  }

  public void available(String... upns) {
    for (String upn : upns) {
      presence(upn, "Available");
    }
  }

  public void presence(String upn, String presence) {
    var r = as(upn).put("/v1/users/" + upn + "/state", map("presence", presence));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  public Api admin() {
    return admin;
  }
}
