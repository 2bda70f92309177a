package org.pcohandshake.fn.exampleapi;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pcohandshake.cors.CorsPolicy;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.json.Json;
import org.pcohandshake.verify.AccessTokenClaims;
import org.pcohandshake.verify.AccessTokenVerifier;
import org.pcohandshake.verify.Verification;

/** Who is calling: the integrator user and the Planning Center person and organization. */
final class MeEndpoint {

  private final AccessTokenVerifier verifier;
  private final CorsPolicy cors;

  MeEndpoint(AccessTokenVerifier verifier, CorsPolicy cors) {
    this.verifier = verifier;
    this.cors = cors;
  }

  HttpResponse handle(HttpRequest http) {
    // the browser's preflight carries no token: answer it from the CORS policy alone
    if (http.method().equals("OPTIONS")) {
      return cors.preflight(http);
    }
    return cors.apply(http, me(http));
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
    body.put("scope", claims.scope());
    body.put("pco_organization_id", claims.pcoOrganizationId().orElse(null));
    body.put("pco_person_id", claims.pcoPersonId().orElse(null));
    return Json.write(body);
  }
}
