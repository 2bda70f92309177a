package org.pcohandshake.templatetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.SamResource;
import org.pcohandshake.testkit.sam.SamRoute;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The HTTP API's throttling (docs/operations.md, "Throttling"). The attack: a flood of junk on a
 * browser route takes the request budget PCO's token exchanges and refreshes, and every verifier's
 * JWKS fetch, depend on. The defence: every route has its own cap, and the caps of all the other
 * routes together, even with every parameter at its maximum, leave the token and discovery routes
 * their full caps inside the smallest account-level quota AWS gives a Region.
 */
class RouteThrottlingTest {

  /**
   * API Gateway's default account-level throttle per Region, shared by every API of the account in
   * the Region, in the Regions where it is smallest (Cape Town, Milan, Jakarta, ...: 2,500 requests
   * per second, burst 1,250; elsewhere 10,000 and 5,000). The API Gateway quotas page, 2026-12.
   */
  static final int ACCOUNT_RATE = 2_500;

  static final int ACCOUNT_BURST = 1_250;

  /** The routes that must not be starved: PCO's code exchange and refreshes, and discovery. */
  static boolean reserved(String routeKey) {
    return routeKey.equals("POST /oauth/token") || routeKey.startsWith("GET /.well-known/");
  }

  private final SamTemplate template = SamTemplate.fromProjectRoot();

  @Test
  void everyRoute_hasItsOwnRateAndBurstLimit_andNoSettingNamesAMissingRoute() {
    Map<String, Object> settings = routeSettings();
    Set<String> routes = new TreeSet<>();
    template.routes().forEach(r -> routes.add(r.routeKey()));
    assertFalse(routes.isEmpty());
    assertEquals(routes, new TreeSet<>(settings.keySet()), "routes vs RouteSettings keys");
    for (String route : routes) {
      Map<String, Object> setting = mapping(settings.get(route));
      assertTrue(setting.containsKey("ThrottlingRateLimit"), route + ": no ThrottlingRateLimit");
      assertTrue(setting.containsKey("ThrottlingBurstLimit"), route + ": no ThrottlingBurstLimit");
    }
  }

  @Test
  void theStage_dependsOnEveryRoute_soItsRouteSettingsNameRoutesThatExist() {
    // API Gateway refuses a stage whose RouteSettings name a route it does not have yet
    Object dependsOn = resourceEntry("HttpApiStage").get("DependsOn");
    Set<String> dependencies = new TreeSet<>();
    if (dependsOn instanceof List<?> list) {
      list.forEach(d -> dependencies.add(String.valueOf(d)));
    } else if (dependsOn != null) {
      dependencies.add(String.valueOf(dependsOn));
    }
    Set<String> routeResources = new TreeSet<>();
    template.resourcesOfType("AWS::ApiGatewayV2::Route").forEach((id, r) -> routeResources.add(id));
    assertTrue(
        dependencies.containsAll(routeResources),
        "missing: " + minus(routeResources, dependencies));
  }

  @Test
  void theOtherRoutes_atTheirHighestCaps_leaveTokenAndDiscoveryTheirWholeCaps() {
    int otherRate = 0;
    int otherBurst = 0;
    int reservedRate = 0;
    int reservedBurst = 0;
    Map<String, Object> settings = routeSettings();
    for (SamRoute route : template.routes()) {
      Map<String, Object> setting = mapping(settings.get(route.routeKey()));
      int rate = highest(setting.get("ThrottlingRateLimit"));
      int burst = highest(setting.get("ThrottlingBurstLimit"));
      if (reserved(route.routeKey())) {
        reservedRate += rate;
        reservedBurst += burst;
      } else {
        otherRate += rate;
        otherBurst += burst;
      }
    }
    assertTrue(reservedRate > 0 && reservedBurst > 0, "token and discovery routes not found");
    assertTrue(
        otherRate <= ACCOUNT_RATE - reservedRate,
        "other routes may take "
            + otherRate
            + " rps of "
            + ACCOUNT_RATE
            + ", token and discovery need "
            + reservedRate);
    assertTrue(
        otherBurst <= ACCOUNT_BURST - reservedBurst,
        "other routes may take a burst of "
            + otherBurst
            + " of "
            + ACCOUNT_BURST
            + ", token and discovery need "
            + reservedBurst);
  }

  @Test
  void theDefaults_serveTenHandshakesASecond_andNinetyRefreshesASecondBesideTheirCodeExchanges() {
    // a handshake: GET /oauth/pco/complete once, GET /oauth/authorize three times (to the login,
    // back with the login token, the clean consent URL), POST /oauth/authorize once, then one
    // code exchange at POST /oauth/token (docs/operations.md, "Throttling")
    Map<String, Object> settings = routeSettings();
    double handshakes = Double.MAX_VALUE;
    Map<String, Integer> perHandshake =
        Map.of("GET /oauth/pco/complete", 1, "GET /oauth/authorize", 3, "POST /oauth/authorize", 1);
    for (var entry : perHandshake.entrySet()) {
      int rate = byDefault(mapping(settings.get(entry.getKey())).get("ThrottlingRateLimit"));
      handshakes = Math.min(handshakes, (double) rate / entry.getValue());
    }
    assertTrue(handshakes >= 10, "handshakes per second: " + handshakes);
    int token = byDefault(mapping(settings.get("POST /oauth/token")).get("ThrottlingRateLimit"));
    // 90 refreshes a second are 324,000 an hour: that many live grants at one-hour access tokens
    assertTrue(
        token - handshakes >= 90, "token rps " + token + " for " + handshakes + " handshakes/s");
  }

  private Map<String, Object> routeSettings() {
    Object settings = resourceEntry("HttpApiStage").get("Properties");
    Object routeSettings = mapping(settings).get("RouteSettings");
    return routeSettings == null ? Map.of() : mapping(routeSettings);
  }

  /** A resource's whole entry (DependsOn, DeletionPolicy, ...), not only its Properties. */
  private Map<String, Object> resourceEntry(String logicalId) {
    SamResource resource = template.resources().get(logicalId);
    assertTrue(resource != null, logicalId + " missing");
    return mapping(mapping(template.document().get("Resources")).get(logicalId));
  }

  /** A limit's worst case: a number, or a parameter at its MaxValue (a knob must have one). */
  private int highest(Object value) {
    return limit(value, "MaxValue");
  }

  /** A limit as deployed with the defaults: a number, or a parameter's Default. */
  private int byDefault(Object value) {
    return limit(value, "Default");
  }

  private int limit(Object value, String attribute) {
    if (value instanceof Number number) {
      return number.intValue();
    }
    Object name = mapping(value).get("Ref");
    Map<String, Object> parameter =
        mapping(mapping(template.document().get("Parameters")).get(String.valueOf(name)));
    Object bound = parameter.get(attribute);
    assertTrue(bound != null, "parameter " + name + " has no " + attribute);
    return Integer.parseInt(String.valueOf(bound));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapping(Object value) {
    assertTrue(value instanceof Map<?, ?>, "not a mapping: " + value);
    return (Map<String, Object>) value;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> rest = new TreeSet<>(a);
    rest.removeAll(b);
    return rest;
  }
}
