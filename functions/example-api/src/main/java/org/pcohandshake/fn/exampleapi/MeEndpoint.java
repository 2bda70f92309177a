package org.pcohandshake.fn.exampleapi;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.config.Config;
import org.pcohandshake.cors.CorsPolicy;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.json.Json;
import org.pcohandshake.verify.AccessTokenClaims;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.Verification;

/** Who is calling: the integrator user and the Planning Center person and organization. */
final class MeEndpoint implements HttpService {

  private final AccessTokenVerifier verifier;
  private final CorsPolicy cors;

  /**
   * Built once per instance, at init: the verifier (it caches the JWKS) and the CORS policy. Reads
   * ISSUER, ACCESS_TOKEN_ALGORITHM, API_AUDIENCE, JWKS_URL, REVOCATION_CHECK (+ TABLE_NAME) and
   * ALLOWED_ORIGINS.
   */
  static MeEndpoint from(Config config, Clock clock) {
    return new MeEndpoint(
        AccessTokenVerifier.from(config, clock),
        // browsers may call GET with an Authorization header; add methods and headers here (e.g.
        // POST and Content-Type) for endpoints that need them
        new CorsPolicy(config.api().allowedOrigins(), List.of("GET"), List.of("Authorization")));
  }

  /** An origin the policy allows (a wildcard's label filled in), for the priming requests. */
  static String primingOrigin(Config config) {
    return config.api().allowedOrigins().isEmpty()
        ? "https://priming.invalid"
        : config.api().allowedOrigins().get(0).replace("://*.", "://priming.");
  }

  MeEndpoint(AccessTokenVerifier verifier, CorsPolicy cors) {
    this.verifier = verifier;
    this.cors = cors;
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    // the browser's preflight carries no token: answer it from the CORS policy alone
    if (http.method().equals("OPTIONS")) {
      return cors.preflight(http);
    }
    return cors.apply(http, me(http));
  }

  /**
   * SnapStart priming after the function's requests: the verifier's own priming ({@link
   * AccessTokenVerifier#prime()}): a signature check against no one's key, the claims checks, and
   * the revocation check's read of a grant that was never issued, which misses. The JWKS is not
   * fetched: the verifier would hold it for minutes, far less than a snapshot lives, and a fetch
   * would make publishing a version depend on the issuer's API answering.
   */
  @Override
  public void prime() {
    verifier.prime();
  }

  private HttpResponse me(HttpRequest http) {
    // the one line that protects an endpoint: a valid token, or the 401 to send back
    return switch (verifier.verify(http)) {
      case Verification.Invalid invalid -> invalid.response();
      case Verification.Valid valid -> HttpResponse.json(200, describe(valid.claims()));
    };
  }

  /** Your endpoint's work goes here: load the user's data by {@code sub}, the PCO ids, ... */
  private static String describe(AccessTokenClaims claims) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sub", claims.subject());
    body.put("client_id", claims.clientId());
    body.put("scope", claims.scope().serialize());
    body.put("pco_organization_id", claims.pcoOrganizationId().orElse(null));
    body.put("pco_person_id", claims.pcoPersonId().orElse(null));
    return Json.write(body);
  }
}
