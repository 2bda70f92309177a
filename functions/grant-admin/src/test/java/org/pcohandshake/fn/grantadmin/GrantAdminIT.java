package org.pcohandshake.fn.grantadmin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.grant.TestGrants;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.EventCapture;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.http.IntegratorClient;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.json.TestJson;
import org.pcohandshake.testkit.junit.Provisioned;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The admin function against the emulator, beside the token endpoint and the example API served
 * from template.yaml: grants created by real code exchanges, listed by user, organization and
 * person, revoked one by one, by user and by organization, and what PCO then meets (refresh {@code
 * invalid_grant}, {@code /api/me} 401); each operation's refusals; the listing while grants are
 * being created; the {@code Grant revoked} events on the bus.
 */
class GrantAdminIT {

  static final String REDIRECT = "https://api.planningcenteronline.com/addons/authorizations/1";

  @Provisioned static ProvisionedStack stack;
  @Provisioned static DynamoDbClient dynamo;

  static LocalApi api;
  static GrantStore grants;
  static IntegratorClient pco;
  static GrantAdminHandler admin;
  static EventCapture bus;

  @BeforeAll
  static void start() {
    api = LocalApi.start(stack, 0, Map.of());
    grants = new GrantStore(dynamo, stack.physicalId("Table"), Clock.systemUTC());
    pco = IntegratorClient.of(api, stack);
    bus = new EventCapture(Emulator.shared());
    Map<String, String> env =
        new HashMap<>(stack.environmentFor("GrantAdminFunction", api.baseUrl()));
    env.put("EVENT_BUS_NAME", bus.busName());
    admin = new GrantAdminHandler(env, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    api.close();
    bus.close();
  }

  // ---- fixtures ----------------------------------------------------------------------------

  /** A grant as PCO holds it after step 6: its id (from the stored code) and its tokens. */
  record Connected(String grantId, String accessToken, String refreshToken) {}

  static Connected connect(String user, PcoLink link) {
    return connect(TestGrants.grant(pco.clientId()).subject(user).link(link).build());
  }

  static Connected connect(Grant grant) {
    Map<String, Object> tokens =
        pco.exchange(
            TestGrants.seedCode(dynamo, grants, grant, REDIRECT, Clock.systemUTC()), REDIRECT);
    return new Connected(
        grant.id(), (String) tokens.get("access_token"), (String) tokens.get("refresh_token"));
  }

  static String unique(String what) {
    return what + "-" + UUID.randomUUID();
  }

  static PcoLink link(String org) {
    return new PcoLink(org, unique("person"), "Pat");
  }

  static Map<String, Object> invoke(Map<String, Object> command) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      admin.handleRequest(
          new ByteArrayInputStream(TestJson.write(command).getBytes(StandardCharsets.UTF_8)),
          out,
          null);
      return TestJson.object(out.toString(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Map<String, Object> ok(Map<String, Object> command) {
    Map<String, Object> answer = invoke(command);
    assertNull(answer.get("error"), answer.toString());
    return answer;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> grantsOf(Map<String, Object> listing) {
    return (List<Map<String, Object>>) listing.get("grants");
  }

  /** Every grant id a listing yields, page after page. */
  static List<String> listAll(String selector, String id, int limit) {
    List<String> ids = new ArrayList<>();
    Object cursor = null;
    do {
      Map<String, Object> command = new HashMap<>();
      command.put("operation", "list_grants");
      command.put(selector, id);
      command.put("limit", limit);
      if (cursor != null) {
        command.put("cursor", cursor);
      }
      Map<String, Object> page = ok(command);
      grantsOf(page).forEach(g -> ids.add((String) g.get("grant_id")));
      cursor = page.get("cursor");
    } while (cursor != null);
    return ids;
  }

  static void assertInvalidGrant(String refreshToken) {
    HttpResponse<String> refreshed = pco.refresh(refreshToken);
    assertEquals(400, refreshed.statusCode(), refreshed.body());
    assertEquals("invalid_grant", TestJson.object(refreshed.body()).get("error"));
  }

  /** The {@code Grant revoked} events on the bus since the last call, by grant id. */
  static Map<String, Map<String, Object>> revokedEvents(int atLeast) {
    Map<String, Map<String, Object>> byGrant = new HashMap<>();
    for (EventCapture.Received event : bus.take(atLeast)) {
      assertEquals("Grant revoked", event.detailType());
      byGrant.put((String) event.detail().get("grant_id"), event.detail());
    }
    return byGrant;
  }

  // ---- listing -----------------------------------------------------------------------------

  @Test
  void listByUser_isPagedNewestFirst_withEachGrantsFields_readFromTheGrantItself()
      throws Exception {
    String user = unique("user");
    String org = unique("org");
    List<Connected> made = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(connect(user, link(org)));
      Thread.sleep(1100); // createdAt is in seconds: three distinct seconds, newest first
    }
    IntegratorClient.tokens(pco.refresh(made.get(1).refreshToken()));
    Map<String, Object> first = ok(Map.of("operation", "list_grants", "user_id", user, "limit", 2));
    assertEquals(user, first.get("user_id"));
    assertEquals(
        List.of(made.get(2).grantId(), made.get(1).grantId()),
        grantsOf(first).stream().map(g -> g.get("grant_id")).toList());
    assertNotNull(first.get("cursor"));
    Map<String, Object> second =
        ok(
            Map.of(
                "operation",
                "list_grants",
                "user_id",
                user,
                "limit",
                2,
                "cursor",
                first.get("cursor")));
    assertEquals(
        List.of(made.get(0).grantId()),
        grantsOf(second).stream().map(g -> g.get("grant_id")).toList());
    assertNull(second.get("cursor"));

    Map<String, Object> refreshed = grantsOf(first).get(1);
    assertEquals(pco.clientId(), refreshed.get("client_id"));
    assertEquals(user, refreshed.get("user_id"));
    assertEquals(org, refreshed.get("pco_organization_id"));
    assertEquals(TestGrants.SCOPE, refreshed.get("scope"));
    assertNotNull(refreshed.get("created_at"));
    assertNotNull(refreshed.get("last_refreshed_at"), "the refresh is recorded on the grant");
    assertNull(grantsOf(first).get(0).get("last_refreshed_at"));
    assertNotNull(refreshed.get("expires_at"));
    assertEquals(false, refreshed.get("revoked"));
    assertEquals(true, refreshed.get("alive"));
  }

  @Test
  void listByOrganization_andByPerson_findExactlyTheirGrants() {
    String org = unique("org");
    PcoLink pat = link(org);
    Connected a = connect(unique("user"), pat);
    Connected b = connect(unique("user"), pat);
    Connected c = connect(unique("user"), link(org));
    connect(unique("user"), link(unique("org"))); // another organization
    assertEquals(
        Set.of(a.grantId(), b.grantId(), c.grantId()),
        new HashSet<>(listAll("organization_id", org, 100)));
    assertEquals(
        Set.of(a.grantId(), b.grantId()), new HashSet<>(listAll("person_id", pat.personId(), 1)));
    assertEquals(List.of(), listAll("user_id", unique("nobody"), 10));
  }

  @Test
  void listingStaysCorrect_whileGrantsAreBeingCreated() throws Exception {
    String user = unique("user");
    Set<String> started = ConcurrentHashMap.newKeySet();
    Set<String> created = ConcurrentHashMap.newKeySet();
    AtomicBoolean creating = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> makers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        makers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    Grant grant =
                        TestGrants.grant(pco.clientId())
                            .subject(user)
                            .link(link(unique("org")))
                            .build();
                    started.add(grant.id());
                    connect(grant);
                    created.add(grant.id());
                  }
                }));
      }
      Future<Integer> lister =
          pool.submit(
              () -> {
                int listings = 0;
                while (creating.get()) {
                  Set<String> before = Set.copyOf(created);
                  List<String> listed = listAll("user_id", user, 3);
                  // no grant twice, none of anyone else's, and every one created before it began
                  assertEquals(listed.size(), new HashSet<>(listed).size(), listed.toString());
                  assertTrue(started.containsAll(listed), listed.toString());
                  assertTrue(listed.containsAll(before), "missing some of " + before);
                  listings++;
                }
                return listings;
              });
      for (Future<?> maker : makers) {
        maker.get(120, TimeUnit.SECONDS);
      }
      creating.set(false);
      assertTrue(lister.get(60, TimeUnit.SECONDS) > 0);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(20, created.size());
    assertEquals(created, new HashSet<>(listAll("user_id", user, 7)));
  }

  // ---- status and revocation ---------------------------------------------------------------

  @Test
  void revokeGrant_killsTheFamilyAtOnce_refreshIsInvalidGrant_andApiMeRefusesTheNextCall() {
    Connected c = connect(unique("user"), link(unique("org")));
    assertEquals(200, pco.me(c.accessToken()).statusCode());
    Map<String, Object> revoked = ok(Map.of("operation", "revoke_grant", "grant_id", c.grantId()));
    assertEquals(true, revoked.get("revoked_now"));
    assertEquals(true, revoked.get("revoked"));
    assertEquals("admin", revoked.get("revoked_reason"));
    assertEquals(false, revoked.get("alive"));

    HttpResponse<String> me = pco.me(c.accessToken());
    assertEquals(401, me.statusCode(), me.body());
    assertInvalidGrant(c.refreshToken());

    Map<String, Object> again = ok(Map.of("operation", "revoke_grant", "grant_id", c.grantId()));
    assertEquals(false, again.get("revoked_now"), "idempotent: already revoked");
    assertEquals(revoked.get("revoked_at"), again.get("revoked_at"));
    Map<String, Object> status = ok(Map.of("operation", "grant_status", "grant_id", c.grantId()));
    assertEquals(true, status.get("revoked"));
    assertEquals("admin", status.get("revoked_reason"));
    assertEquals(false, status.get("alive"));
  }

  @Test
  void grantStatus_ofALiveGrant_saysAlive() {
    Connected c = connect(unique("user"), link(unique("org")));
    Map<String, Object> status = ok(Map.of("operation", "grant_status", "grant_id", c.grantId()));
    assertEquals(c.grantId(), status.get("grant_id"));
    assertEquals(true, status.get("alive"));
    assertEquals(false, status.get("revoked"));
    assertNull(status.get("revoked_at"));
  }

  @Test
  void revokeAllOfAUserWith50Grants_leavesNoneAlive_andEveryRefreshTokenIsInvalidGrant() {
    String user = unique("user");
    List<Connected> made = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      made.add(connect(user, link(unique("org"))));
    }
    Connected bystander = connect(unique("user"), link(unique("org")));
    revokedEvents(0); // drain
    Map<String, Object> answer = ok(Map.of("operation", "revoke_user_grants", "user_id", user));
    assertEquals(50, ((Number) answer.get("revoked")).intValue());
    assertEquals(0, ((Number) answer.get("already_revoked")).intValue());
    assertEquals(true, answer.get("complete"));
    for (Connected c : made) {
      assertFalse(grants.grantAlive(c.grantId()), c.grantId());
      assertInvalidGrant(c.refreshToken());
    }
    assertTrue(grants.grantAlive(bystander.grantId()), "another user's grant is untouched");
    IntegratorClient.tokens(pco.refresh(bystander.refreshToken()));

    Map<String, Map<String, Object>> announced = revokedEvents(50);
    assertEquals(
        made.stream().map(Connected::grantId).collect(java.util.stream.Collectors.toSet()),
        announced.keySet());
    announced.values().forEach(d -> assertEquals("offboarding", d.get("reason")));
    announced.values().forEach(d -> assertEquals(user, d.get("user_id")));

    Map<String, Object> again = ok(Map.of("operation", "revoke_user_grants", "user_id", user));
    assertEquals(0, ((Number) again.get("revoked")).intValue());
    assertEquals(50, ((Number) again.get("already_revoked")).intValue());
  }

  /**
   * A user id is whatever the login said {@code sub} was (the login bridge and OpenID Connect take
   * any non-blank string): an e-mail address with an apostrophe, a directory name with spaces and
   * commas, a path. Offboarding must reach every such user, or their grants cannot be ended.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"o'brien@example.com", "CN=Pat Lee,OU=Staff", "tenant/7#user 42", "Zoë Müller"})
  void revokeUserGrants_reachesAUserWhateverTheirIdHolds_andListingFindsThem(String user) {
    Connected c = connect(user + " " + UUID.randomUUID(), link(unique("org")));
    String userId =
        (String) ok(Map.of("operation", "grant_status", "grant_id", c.grantId())).get("user_id");
    assertEquals(List.of(c.grantId()), listAll("user_id", userId, 10));
    Map<String, Object> revoked = ok(Map.of("operation", "revoke_user_grants", "user_id", userId));
    assertEquals(1, ((Number) revoked.get("revoked")).intValue(), revoked.toString());
    assertInvalidGrant(c.refreshToken());
  }

  @Test
  void revokeAllOfAnOrganization_endsEveryGrantOfIt_andOnlyThose() {
    String org = unique("org");
    Connected a = connect(unique("user"), link(org));
    Connected b = connect(unique("user"), link(org));
    Connected elsewhere = connect(unique("user"), link(unique("org")));
    revokedEvents(0);
    Map<String, Object> answer =
        ok(Map.of("operation", "revoke_organization_grants", "organization_id", org));
    assertEquals(2, ((Number) answer.get("revoked")).intValue());
    assertInvalidGrant(a.refreshToken());
    assertInvalidGrant(b.refreshToken());
    assertEquals(401, pco.me(a.accessToken()).statusCode());
    assertEquals(200, pco.me(elsewhere.accessToken()).statusCode());
    Map<String, Map<String, Object>> announced = revokedEvents(2);
    assertEquals(Set.of(a.grantId(), b.grantId()), announced.keySet());
    assertEquals("organization", announced.get(a.grantId()).get("reason"));
    assertEquals(org, announced.get(a.grantId()).get("pco_organization_id"));
  }

  // ---- refusals ----------------------------------------------------------------------------

  static List<Arguments> refusals() {
    String cursorOfAnother =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                "{\"g\":\"abc\",\"i\":\"USER#someone-else\",\"c\":1}"
                    .getBytes(StandardCharsets.UTF_8));
    return List.of(
        Arguments.of(
            Map.of("operation", "grant_status", "grant_id", "no-such-grant"),
            "not_found",
            "grant_id"),
        Arguments.of(
            Map.of("operation", "revoke_grant", "grant_id", "no-such-grant"),
            "not_found",
            "grant_id"),
        Arguments.of(Map.of("operation", "grant_status"), "invalid_request", "grant_id"),
        Arguments.of(
            Map.of("operation", "grant_status", "grant_id", "a b"), "invalid_request", "grant_id"),
        Arguments.of(
            Map.of("operation", "grant_status", "grant_id", "g", "user_id", "u"),
            "invalid_request",
            "user_id"),
        Arguments.of(Map.of("operation", "list_grants"), "invalid_request", "user_id"),
        Arguments.of(
            Map.of("operation", "list_grants", "user_id", "u", "person_id", "p"),
            "invalid_request",
            "user_id"),
        Arguments.of(
            Map.of("operation", "list_grants", "user_id", "u", "limit", 0),
            "invalid_request",
            "limit"),
        Arguments.of(
            Map.of("operation", "list_grants", "user_id", "u", "limit", 101),
            "invalid_request",
            "limit"),
        Arguments.of(
            Map.of("operation", "list_grants", "user_id", "u", "cursor", "%%%"),
            "invalid_request",
            "cursor"),
        Arguments.of(
            Map.of("operation", "list_grants", "user_id", "u", "cursor", cursorOfAnother),
            "invalid_request",
            "cursor"),
        Arguments.of(
            Map.of("operation", "list_grants", "usr_id", "u"), "invalid_request", "usr_id"),
        Arguments.of(Map.of("operation", "revoke_user_grants"), "invalid_request", "user_id"),
        Arguments.of(
            Map.of("operation", "revoke_organization_grants", "organization_id", ""),
            "invalid_request",
            "organization_id"),
        Arguments.of(Map.of("operation", "revoke_everything"), "unknown_operation", null));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void eachOperationsRefusals_areTypedErrors_thatNeverEchoTheInput(
      Map<String, Object> command, String error, String argument) {
    Map<String, Object> answer = invoke(command);
    assertEquals(error, answer.get("error"), answer.toString());
    assertNotNull(answer.get("error_description"));
    if ("invalid_request".equals(error)) {
      assertEquals(argument, answer.get("argument"), answer.toString());
    }
    if (command.get("cursor") != null) {
      assertFalse(TestJson.write(answer).contains((String) command.get("cursor")));
    }
  }
}
