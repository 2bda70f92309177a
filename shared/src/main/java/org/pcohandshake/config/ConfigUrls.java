package org.pcohandshake.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for the URL-valued variables, each of which carries a secret, a key or the browser:
 *
 * <ul>
 *   <li>{@code https://}; plain {@code http://} only to a loopback host ({@code localhost}, {@code
 *       127.0.0.0/8}, {@code [::1]}), where the local stack, the tests and the PCO simulator run;
 *   <li>no user information ({@code user:password@}): a credential has no place in configuration,
 *       and {@code https://a.example@evil.example} reads as one host and is another;
 *   <li>no fragment: a redirect URI must not have one (RFC 6749 section 3.1.2), and behind a base
 *       URL it would swallow the paths and queries we append;
 *   <li>no query in {@code ISSUER} (RFC 8414 section 2) and {@code PCO_BASE_URL}, to which paths
 *       are appended. {@code LOGIN_URL}, {@code LOGIN_JWKS_URL}, {@code JWKS_URL} and {@code
 *       EXTRA_REDIRECT_URIS} may have one.
 * </ul>
 *
 * <p>Messages name the variable and the reason, never the value.
 */
public final class ConfigUrls {

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

  private static final Pattern IPV6_LITERAL = Pattern.compile("\\[([0-9a-f:.]+)]");

  private ConfigUrls() {}

  /** Every problem of the configuration's URLs, one sentence each. */
  static List<String> problems(Config config) {
    List<String> problems = new ArrayList<>();
    check(
        Config.ISSUER,
        config.issuer(),
        false,
        "it is the issuer of tokens and the origin of the consent page and its cookies",
        problems);
    check(
        Config.PCO_BASE_URL,
        config.pco().baseUrl(),
        false,
        "Planning Center's codes and tokens and our client secret travel to it",
        problems);
    check(
        Config.LOGIN_URL,
        config.login().url(),
        true,
        "the browser is sent there to sign in",
        problems);
    check(
        Config.LOGIN_JWKS_URL,
        config.login().jwksUrl(),
        true,
        "the keys that verify login tokens come from it",
        problems);
    check(
        Config.OIDC_ISSUER,
        config.raw().getOrDefault(Config.OIDC_ISSUER, "").trim(),
        false,
        "the identity provider's discovery document, keys and ID tokens come from it",
        problems);
    for (String uri : config.client().extraRedirectUris()) {
      check(Config.EXTRA_REDIRECT_URIS, uri, true, "authorization codes are sent to it", problems);
    }
    check(
        Config.JWKS_URL,
        config.api().jwksUrl(),
        true,
        "the keys that verify access tokens come from it",
        problems);
    return problems.stream().distinct().toList();
  }

  private static void check(
      String name, String value, boolean queryAllowed, String why, List<String> problems) {
    if (value.isEmpty()) {
      return;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("https".equals(uri.getScheme())
            || ("http".equals(uri.getScheme()) && isLoopback(uri.getHost())))) {
      problems.add(
          name
              + " must be an absolute https:// URL (http:// only to a loopback host: localhost,"
              + " 127.0.0.0/8 or [::1]), because "
              + why);
      return;
    }
    if (uri.getRawUserInfo() != null) {
      problems.add(name + " must not hold a user or password before the host");
    }
    if (uri.getRawFragment() != null) {
      problems.add(name + " must not have a fragment (#...)");
    }
    if (!queryAllowed && uri.getRawQuery() != null) {
      problems.add(name + " must not have a query (?...): paths are appended to it");
    }
  }

  /**
   * {@code localhost}, a dotted-quad in {@code 127.0.0.0/8}, or the IPv6 loopback literal. Names
   * are not resolved: {@code localhost.example} or a name that resolves to 127.0.0.1 is not
   * loopback here.
   */
  /**
   * Whether a URL another party hands us (an identity provider's endpoints) may carry codes, tokens
   * and secrets: absolute https (http only to a loopback host), no user info, no fragment.
   */
  public static boolean secure(String value) {
    List<String> problems = new ArrayList<>();
    check("url", value, true, "", problems);
    return !value.isEmpty() && problems.isEmpty();
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    Matcher ipv4 = IPV4_LOOPBACK.matcher(h);
    if (ipv4.matches()) {
      for (int i = 1; i <= 3; i++) {
        if (Integer.parseInt(ipv4.group(i)) > 255) {
          return false;
        }
      }
      return true;
    }
    Matcher ipv6 = IPV6_LITERAL.matcher(h);
    if (ipv6.matches() && ipv6.group(1).contains(":")) {
      try {
        // a literal (hex digits, colons and dots only): parsed, never looked up
        InetAddress address = InetAddress.getByName(ipv6.group(1));
        return address instanceof Inet6Address && address.isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
