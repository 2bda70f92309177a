package org.pcohandshake.testkit.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.json.TestJson;

/**
 * Our API as the integrator's client, Planning Center, calls it over HTTP: the token and revocation
 * endpoints with {@code client_secret_basic}, and the example API with a bearer token. One client
 * per API; tests build their requests from it instead of their own form encoding and headers.
 */
public final class IntegratorClient {

  /** The secret PCO authenticates with at our token and revocation endpoints. */
  public static final String CLIENT_SECRET = "IntegratorClientSecret";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Function<String, URI> uris;
  private final String clientId;
  private final String clientSecret;

  /**
   * @param uris the URI of a path and query on the API, e.g. {@link LocalApi#uri}
   */
  public IntegratorClient(Function<String, URI> uris, String clientId, String clientSecret) {
    this.uris = uris;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  /**
   * The client PCO is at {@code api}: the token function's {@code CLIENT_ID} and the stack's
   * integrator client secret.
   */
  public static IntegratorClient of(LocalApi api, ProvisionedStack stack) {
    return new IntegratorClient(
        api::uri,
        stack.environmentFor("TokenFunction", api.baseUrl()).get("CLIENT_ID"),
        stack.secretValue(CLIENT_SECRET));
  }

  public String clientId() {
    return clientId;
  }

  /** A form POST with {@code client_secret_basic}; {@code pairs} are names and values in turn. */
  public HttpResponse<String> post(String path, String... pairs) {
    StringBuilder form = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      form.append(form.isEmpty() ? "" : "&")
          .append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    return send(
        HttpRequest.newBuilder(uris.apply(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
            .build());
  }

  /** POST /oauth/token, {@code authorization_code}: the token response, which must be a 200. */
  public Map<String, Object> exchange(String code, String redirectUri) {
    return tokens(
        post(
            "/oauth/token",
            "grant_type",
            "authorization_code",
            "code",
            code,
            "redirect_uri",
            redirectUri));
  }

  /** POST /oauth/token, {@code refresh_token}, as it answers. */
  public HttpResponse<String> refresh(String refreshToken) {
    return post("/oauth/token", "grant_type", "refresh_token", "refresh_token", refreshToken);
  }

  /** POST /oauth/revoke, as it answers. */
  public HttpResponse<String> revoke(String token) {
    return post("/oauth/revoke", "token", token);
  }

  /** A GET with the given headers (names and values in turn), as it answers. */
  public HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uris.apply(pathAndQuery));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  /** GET /api/me with {@code accessToken} as the bearer token, as it answers. */
  public HttpResponse<String> me(String accessToken) {
    return get("/api/me", "Authorization", "Bearer " + accessToken);
  }

  /**
   * The JSON body of a token response.
   *
   * @throws AssertionError with the body, unless it is a 200
   */
  public static Map<String, Object> tokens(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "expected 200 from "
              + response.uri()
              + ", got "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return TestJson.object(response.body());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
