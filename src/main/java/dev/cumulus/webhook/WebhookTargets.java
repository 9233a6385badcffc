package dev.cumulus.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where webhooks may go (server-side request forgery): a subscriber's URL is http(s) to a public
 * address. Loopback, link-local (169.254.0.0/16 with the cloud metadata service, fe80::/10), the
 * unspecified and multicast addresses are refused, and private networks (10/8, 172.16/12,
 * 192.168/16, 100.64/10, fc00::/7) unless {@code cumulus.webhooks.allow-private-networks};
 * {@code cumulus.webhooks.allowed-hosts} names hosts (or addresses) that are allowed whatever they
 * resolve to. Checked when subscribing and again before every send, on every address the name
 * resolves to.
 */
@Component
class WebhookTargets {

  /** Name resolution: the JVM's by default, whose cache (30 s) also serves the HTTP client's connect. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final Set<String> allowedHosts;
  private final boolean allowPrivateNetworks;
  private final Resolver resolver;

  @Autowired
  WebhookTargets(WebhookProperties properties) {
    this(properties, InetAddress::getAllByName);
  }

  WebhookTargets(WebhookProperties properties, Resolver resolver) {
    this.allowedHosts = properties.allowedHosts().stream()
        .map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).collect(Collectors.toUnmodifiableSet());
    this.allowPrivateNetworks = properties.allowPrivateNetworks();
    this.resolver = resolver;
  }

  /** Null when the URL may be called now; otherwise why not, for the subscriber's 400 or the delivery's error. */
  String refusal(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      return "not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https are allowed";
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return "has no host";
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (allowedHosts.contains(bare.toLowerCase(Locale.ROOT))) {
      return null;
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(bare);
    } catch (UnknownHostException e) {
      return "host " + bare + " does not resolve";
    }
    for (InetAddress address : addresses) {
      String kind = blocked(address);
      if (kind != null) {
        return "host " + bare + " is " + kind + " (" + address.getHostAddress() + "); allow it with cumulus.webhooks.allowed-hosts"
            + (kind.startsWith("a private") ? " or cumulus.webhooks.allow-private-networks" : "");
      }
    }
    return null;
  }

  /** The kind of a refused address, or null for a public one. */
  private String blocked(InetAddress address) {
    InetAddress a = embeddedIpv4(address);
    byte[] b = a.getAddress();
    if (a.isAnyLocalAddress() || a instanceof Inet4Address && (b[0] & 0xff) == 0) {
      return "an unspecified address";
    }
    if (a.isLoopbackAddress()) {
      return "a loopback address";
    }
    if (a.isLinkLocalAddress()) {
      return "a link-local address (cloud metadata lives there)";
    }
    if (a.isMulticastAddress() || a instanceof Inet4Address && (b[0] & 0xff) >= 240) {
      return "a multicast or reserved address";
    }
    boolean uniqueLocal = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    boolean sharedAddressSpace = a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    if ((a.isSiteLocalAddress() || uniqueLocal || sharedAddressSpace) && !allowPrivateNetworks) {
      return "a private network address";
    }
    return null;
  }

  /** ::ffff:a.b.c.d and ::a.b.c.d reach the IPv4 address a.b.c.d: judge that one. */
  private static InetAddress embeddedIpv4(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      boolean zeroPrefix = true;
      for (int i = 0; i < 10; i++) {
        zeroPrefix &= b[i] == 0;
      }
      boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
      if (mapped || compatible) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }
}
