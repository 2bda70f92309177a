package org.pcohandshake.fn.authorizeprompt;

import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.authorize.AuthorizationRequest;
import org.pcohandshake.authorize.AuthorizePrompt;
import org.pcohandshake.authorize.ConsentPage;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.Params;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.link.PendingLink;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.session.LoginTokenVerifier;
import org.pcohandshake.session.Session;
import org.pcohandshake.session.SessionStore;
import org.pcohandshake.snapstart.Priming;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code GET /oauth/authorize}. */
public final class AuthorizePromptHandler extends HttpFunction {

  private final Config config;
  private final AuthorizePrompt prompt;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public AuthorizePromptHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public AuthorizePromptHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /** Builds the real dependencies once; the clock is a parameter so tests can move time. */
  public AuthorizePromptHandler(Map<String, String> environment, Clock clock) {
    super(Endpoint.Style.PAGE);
    this.config =
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.PCO_OAUTH_APPLICATION_ID,
                Config.LOGIN_URL,
                Config.LOGIN_ISSUER)
            .warnIfAnyScopeAllowed();
    AwsClients aws = new AwsClients(config);
    DynamoDbClient dynamo = aws.dynamoDb();
    LoginTokenVerifier verifier;
    if (!config.loginJwksUrl().isEmpty()) {
      verifier =
          LoginTokenVerifier.jwks(
              config.loginJwksUrl(), config.loginIssuer(), config.issuer(), clock);
    } else {
      config.require(Config.LOGIN_BRIDGE_KEY_SECRET_ID);
      SecretCache key =
          new SecretCache(aws.secretsManager(), config.loginBridgeKeySecretId(), clock);
      verifier =
          LoginTokenVerifier.hmac(key::current, config.loginIssuer(), config.issuer(), clock);
    }
    this.prompt =
        new AuthorizePrompt(
            config,
            verifier,
            new SessionStore(dynamo, config.tableName(), config.sessionTtl(), clock),
            new ConsentStore(dynamo, config.tableName(), config.consentTtl(), clock),
            new LinkStore(dynamo, config.tableName(), config.pcoLinkTtl(), clock));
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return prompt.handle(request);
  }

  /**
   * SnapStart priming: a login return that did not start in this browser, with a session cookie
   * that was never issued (the validation, the session read, which misses, the round trip's check,
   * which refuses it before the token is verified), the login redirect built for a round trip that
   * was never started (no random value is drawn), the consent page rendered for a sample, and the
   * login token's parsing. The login bridge key is not read: no secret belongs in a snapshot.
   *
   * <p>Nothing to renew after a restore: the login bridge key was never read, no session was
   * opened.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "authorize-prompt",
        () -> {
          String redirectUri = config.allowedRedirectUris().get(0);
          AuthorizationRequest request =
              new AuthorizationRequest(config.clientId(), redirectUri, "priming", "", "");
          String query =
              "response_type=code&client_id="
                  + Params.encode(config.clientId())
                  + "&redirect_uri="
                  + Params.encode(redirectUri)
                  + "&state=priming";
          Priming.invoke(
              this,
              Priming.event(
                  "GET",
                  "/oauth/authorize",
                  query + "&login_state=priming&login_token=" + SAMPLE_LOGIN_TOKEN,
                  Map.of("accept", "text/html"),
                  List.of(
                      Cookies.SESSION + "=" + Priming.NEVER_ISSUED,
                      Cookies.LOGIN + "=" + Priming.NEVER_ISSUED,
                      Cookies.PCO_LINK + "=" + Priming.NEVER_ISSUED),
                  ""));
          prompt.loginRedirect(config.issuer() + "/oauth/authorize?" + query, Priming.NEVER_ISSUED);
          ConsentPage.render(
              config.issuer() + "/oauth/authorize",
              config.appName(),
              new Session("priming", "priming", "Priming"),
              request,
              new PendingLink(
                  Priming.NEVER_ISSUED, new PcoLink("priming", "priming", "Priming"), "Priming"),
              Priming.NEVER_ISSUED);
          try {
            SignedJWT.parse(SAMPLE_LOGIN_TOKEN).getJWTClaimsSet();
          } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * An unsigned-for-use sample with the login bridge's claims, parsed (never verified) to prime.
   */
  private static final String SAMPLE_LOGIN_TOKEN =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"
          + ".eyJpc3MiOiJodHRwczovL2xvZ2luLmV4YW1wbGUiLCJzdWIiOiJwcmltaW5nIiwiYXVkIjoiaHR0cHM6Ly9p"
          + "c3N1ZXIuZXhhbXBsZSIsImlhdCI6MCwiZXhwIjo2MCwianRpIjoicHJpbWluZyIsIm5hbWUiOiJQcmltaW5nIn0"
          + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
}
