package org.pcohandshake.fn.exampleapi;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.pcohandshake.config.Config;
import org.pcohandshake.cors.CorsPolicy;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.http.HttpFunction;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.verify.AccessTokenVerifier;

/**
 * {@code GET /api/me} and its CORS preflight {@code OPTIONS /api/me}: what Planning Center's {@code
 * authenticatedIntegratorFetch} calls. Copy this module for your own endpoints.
 */
public final class ExampleApiHandler extends HttpFunction {

  private final AccessTokenVerifier verifier;
  private final String origin;
  private final MeEndpoint endpoint;

  /** Lambda's entry: configuration from the process environment; primed before a snapshot. */
  public ExampleApiHandler() {
    this(System.getenv());
    Core.getGlobalContext().register(this);
  }

  public ExampleApiHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * Built once per Lambda instance, at init: the verifier (it caches the JWKS) and the CORS policy.
   * Reads ISSUER, ACCESS_TOKEN_ALGORITHM, API_AUDIENCE, JWKS_URL, REVOCATION_CHECK (+ TABLE_NAME)
   * and ALLOWED_ORIGINS.
   */
  public ExampleApiHandler(Map<String, String> environment, Clock clock) {
    super(Endpoint.Style.JSON);
    Config config = Config.fromEnvironment(environment);
    this.verifier = AccessTokenVerifier.from(config, clock);
    // an origin the policy allows (a wildcard's label filled in), for the priming requests
    this.origin =
        config.allowedOrigins().isEmpty()
            ? "https://priming.invalid"
            : config.allowedOrigins().get(0).replace("://*.", "://priming.");
    this.endpoint =
        new MeEndpoint(
            verifier,
            // browsers may call GET with an Authorization header; add methods and headers here
            // (e.g. POST and Content-Type) for endpoints that need them
            new CorsPolicy(config.allowedOrigins(), List.of("GET"), List.of("Authorization")));
  }

  @Override
  protected HttpResponse serve(HttpRequest request) {
    return endpoint.handle(request);
  }

  /**
   * SnapStart priming: the browser's preflight, then a call whose bearer token is not a token (the
   * event, the 401 with its challenge, the CORS headers), then the verifier's own priming ({@link
   * AccessTokenVerifier#prime()}): a signature check against no one's key, the claims checks, and
   * the revocation check's read of a grant that was never issued, which misses. The JWKS is not
   * fetched: the verifier would hold it for minutes, far less than a snapshot lives, and a fetch
   * would make publishing a version depend on the issuer's API answering.
   *
   * <p>Nothing to renew after a restore: no key was fetched, no token was accepted.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    Priming.run(
        "example-api",
        () -> {
          Priming.invoke(
              this,
              Priming.event(
                  "OPTIONS",
                  "/api/me",
                  "",
                  Map.of(
                      "origin",
                      origin,
                      "access-control-request-method",
                      "GET",
                      "access-control-request-headers",
                      "authorization"),
                  List.of(),
                  ""));
          Priming.invoke(
              this,
              Priming.event(
                  "GET",
                  "/api/me",
                  "",
                  Map.of("authorization", "Bearer " + Priming.NEVER_ISSUED, "origin", origin),
                  List.of(),
                  ""));
          verifier.prime();
        });
  }
}
