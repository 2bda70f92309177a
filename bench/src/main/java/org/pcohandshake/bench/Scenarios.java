package org.pcohandshake.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pcohandshake.authorize.AuthorizationRequest;
import org.pcohandshake.authorize.Consent;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.grant.AuthorizationCode;
import org.pcohandshake.grant.Grant;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.session.LoginIdentity;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.events.TestEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The request each benchmarked function serves: its real success path with valid data, seeded in
 * the emulator through the shared module's own stores before the function's JVM starts (so seeding
 * is never timed). Every answer is checked, so an error path is never measured by mistake.
 */
final class Scenarios {

  /** One function's request. */
  interface Scenario {
    /** Seeds what {@code invocations} requests need (into an empty table, see {@link #wipe}). */
    default void prepare(int invocations) {}

    /** The event of request {@code i} (0 is the cold one) of the last {@link #prepare}. */
    APIGatewayV2HTTPEvent event(int i);

    /** Fails unless the answer is the success path's. */
    void check(APIGatewayV2HTTPResponse response);
  }

  // RFC 7636 appendix B
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  private final ProvisionedStack stack;
  private final String issuer;
  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock = Clock.systemUTC();

  Scenarios(ProvisionedStack stack, DynamoDbClient dynamo, String issuer) {
    this.stack = stack;
    this.dynamo = dynamo;
    this.issuer = issuer;
    this.table = stack.physicalId("Table");
  }

  /**
   * Deletes every item of the table. moto copies all its tables on every transaction (to roll
   * back), so a table that keeps growing makes every transactional write slower through the run;
   * each run starts from an empty table instead, and its scenario seeds what it needs.
   */
  void wipe() {
    Map<String, AttributeValue> start = null;
    do {
      ScanRequest.Builder request =
          ScanRequest.builder().tableName(table).projectionExpression("pk, sk");
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      ScanResponse page = dynamo.scan(request.build());
      for (Map<String, AttributeValue> item : page.items()) {
        dynamo.deleteItem(r -> r.tableName(table).key(item));
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
  }

  /** The scenario for a template function, if the benchmark knows its success path. */
  Optional<Scenario> forFunction(String logicalId) {
    return switch (logicalId) {
      case "AuthorizePromptFunction" -> Optional.of(consentPage());
      case "AuthorizeDecisionFunction" -> Optional.of(approve());
      case "TokenFunction" -> Optional.of(codeExchange());
      default -> Optional.empty();
    };
  }

  /** Any request answered 200: for the baselines. */
  static Scenario ok(String path) {
    return new Scenario() {
      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get(path).build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
      }
    };
  }

  private Map<String, String> env(String logicalId) {
    return stack.environmentFor(logicalId, issuer);
  }

  private String redirectUri(Map<String, String> env) {
    return env.get("PCO_BASE_URL")
        + "/addons/authorizations/"
        + env.get("PCO_OAUTH_APPLICATION_ID");
  }

  /** Opens a session as the login bridge step would; returns its cookie value. */
  private String session(Map<String, String> env) {
    SessionStore sessions = new SessionStore(dynamo, table, Duration.ofHours(1), clock);
    LoginIdentity identity =
        new LoginIdentity(
            "bench-user",
            "Bench User",
            UUID.randomUUID().toString(),
            clock.instant().plus(Duration.ofMinutes(2)));
    return sessions.open(identity, env.get("LOGIN_ISSUER")).orElseThrow();
  }

  private static final PcoLink LINK = new PcoLink("org-bench", "person-bench", "Pat Bench");

  /** GET /oauth/authorize with a session and the PCO link cookie: the consent page. */
  private Scenario consentPage() {
    Map<String, String> env = env("AuthorizePromptFunction");
    String[] cookies = new String[2];
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        cookies[0] = session(env);
        cookies[1] = new LinkStore(dynamo, table, Duration.ofHours(1), clock).put(LINK);
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.get("/oauth/authorize")
            .query("response_type", "code")
            .query("client_id", env.get("CLIENT_ID"))
            .query("redirect_uri", redirectUri(env))
            .query("state", "bench-state")
            .cookie(Cookies.SESSION, cookies[0])
            .cookie(Cookies.PCO_LINK, cookies[1])
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        if (!response.getBody().contains("name=\"form_token\"")) {
          throw new IllegalStateException("not the consent page: " + response.getBody());
        }
      }
    };
  }

  /** POST /oauth/authorize approving a real consent: a code redirect. */
  private Scenario approve() {
    Map<String, String> env = env("AuthorizeDecisionFunction");
    String[] session = new String[1];
    ConsentStore consents = new ConsentStore(dynamo, table, Duration.ofHours(1), clock);
    AuthorizationRequest request =
        new AuthorizationRequest(
            env.get("CLIENT_ID"), redirectUri(env), "bench-state", "", CHALLENGE);
    List<String> formTokens = new ArrayList<>();
    String origin = issuer;
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        session[0] = session(env);
        formTokens.clear();
        for (int i = 0; i < invocations; i++) {
          formTokens.add(
              consents.put(new Consent(Tokens.hash(session[0]), "bench-user", request, LINK)));
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.post("/oauth/authorize")
            .header("origin", origin)
            .cookie(Cookies.SESSION, session[0])
            .form("form_token", formTokens.get(i), "decision", "approve")
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 303);
        String location = response.getHeaders().get("location");
        if (location == null || !location.contains("code=")) {
          throw new IllegalStateException("no code in " + location);
        }
      }
    };
  }

  /** POST /oauth/token exchanging a real code (client_secret_basic, PKCE). */
  private Scenario codeExchange() {
    Map<String, String> env = env("TokenFunction");
    String clientId = env.get("CLIENT_ID");
    String secret = stack.secretValue("IntegratorClientSecret");
    String redirect =
        redirectUri(stack.environmentFor("AuthorizeDecisionFunction", issuer)); // PCO's callback
    GrantStore grants = new GrantStore(dynamo, table, clock);
    List<String> codes = new ArrayList<>();
    return new Scenario() {
      @Override
      public void prepare(int invocations) {
        codes.clear();
        Instant now = clock.instant();
        for (int i = 0; i < invocations; i++) {
          String code = Tokens.random();
          Grant grant =
              new Grant(
                  Tokens.id(), clientId, "bench-user", "", LINK, now.plus(Duration.ofDays(90)));
          AuthorizationCode record =
              new AuthorizationCode(
                  grant, redirect, CHALLENGE, now.plus(Duration.ofMinutes(10)), false);
          dynamo.transactWriteItems(
              r -> r.transactItems(grants.putCode(Tokens.hash(code), record)));
          codes.add(code);
        }
      }

      @Override
      public APIGatewayV2HTTPEvent event(int i) {
        return TestEvent.post("/oauth/token")
            .basic(clientId, secret)
            .form(
                "grant_type",
                "authorization_code",
                "code",
                codes.get(i),
                "redirect_uri",
                redirect,
                "code_verifier",
                VERIFIER)
            .build();
      }

      @Override
      public void check(APIGatewayV2HTTPResponse response) {
        expect(response, 200);
        if (!response.getBody().contains("\"access_token\"")) {
          throw new IllegalStateException("no access token: " + response.getBody());
        }
      }
    };
  }

  static void expect(APIGatewayV2HTTPResponse response, int status) {
    if (response.getStatusCode() != status) {
      throw new IllegalStateException(
          "expected " + status + ", got " + response.getStatusCode() + ": " + response.getBody());
    }
  }
}
