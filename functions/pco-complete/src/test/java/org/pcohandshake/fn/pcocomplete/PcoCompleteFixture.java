package org.pcohandshake.fn.pcocomplete;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.pco.PcoSimulator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Step 2's world: the test class's provisioned stack (from template.yaml, with {@link
 * #PCO_CLIENT_SECRET} as Planning Center's client secret) and one PCO simulator whose OAuth
 * application matches it. Close it after the test class.
 */
final class PcoCompleteFixture implements AutoCloseable {

  /**
   * Where the integrator's API would be: its issuer. Nothing listens there; handlers are called.
   */
  static final String BASE_URL = "https://integrator.test";

  static final String FUNCTION = "PcoCompleteFunction";
  static final String PCO_CLIENT_ID = "pco-it-client";
  static final String PCO_CLIENT_SECRET = "pco-it-secret-4f1c9b";
  static final String APPLICATION_ID = "4242";

  final ProvisionedStack stack;
  final PcoSimulator pco;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /**
   * @param stack provisioned with {@code @Provisioned(secrets = {"PcoClientSecret",
   *     PcoCompleteFixture.PCO_CLIENT_SECRET})}
   */
  PcoCompleteFixture(ProvisionedStack stack) throws IOException {
    this(stack, PcoSimulator.Settings.defaults());
  }

  PcoCompleteFixture(ProvisionedStack stack, PcoSimulator.Settings base) throws IOException {
    this.stack = stack;
    pco =
        PcoSimulator.start(
            base.withPcoClient(PCO_CLIENT_ID, PCO_CLIENT_SECRET)
                .withOauthApplicationId(APPLICATION_ID)
                .withRedirectUrl(BASE_URL + "/oauth/pco/complete")
                .withAutoApprove(true));
  }

  /** The function's environment for a token mode, plus extra variables. */
  Map<String, String> environment(String mode, Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(
            stack.environmentFor(
                FUNCTION,
                BASE_URL,
                Map.of(
                    "PcoBaseUrl", pco.baseUrl(),
                    "PcoClientId", PCO_CLIENT_ID,
                    "PcoOAuthApplicationId", APPLICATION_ID,
                    "PcoTokenMode", mode)));
    env.putAll(extra);
    return env;
  }

  Config config(String mode) {
    return Config.fromEnvironment(environment(mode, Map.of()));
  }

  /** A client and vault as another function of the integrator would build them. */
  PcoTokenVault vault(Clock clock) {
    Config config = config("store");
    AwsClients aws = new AwsClients(config);
    return new PcoTokenVault(
        aws.dynamoDb(),
        aws.kms(),
        config.tableName(),
        ((PcoTokenMode.Store) config.pcoTokenMode()).tokenKeyId(),
        client(clock),
        clock);
  }

  PcoClient client(Clock clock) {
    return new PcoClient(
        pco.baseUrl(), PCO_CLIENT_ID, () -> PCO_CLIENT_SECRET, Duration.ofSeconds(4), clock);
  }

  List<Map<String, AttributeValue>> scan() {
    return stack.scanTable("Table");
  }

  /** Step 1 at the simulated PCO (auto-approved): the code it sends back to step 2. */
  String authorizationCode() throws IOException, InterruptedException {
    String query =
        "client_id="
            + enc(PCO_CLIENT_ID)
            + "&redirect_uri="
            + enc(BASE_URL + "/oauth/pco/complete")
            + "&response_type=code&scope=people&state=st";
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(pco.authorizeEndpoint() + "?" + query)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(302, response.statusCode());
    String location = response.headers().firstValue("location").orElseThrow();
    String rawQuery = URI.create(location).getRawQuery();
    for (String pair : rawQuery.split("&")) {
      if (pair.startsWith("code=")) {
        return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no code in the simulator's redirect");
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    pco.close();
    http.close();
  }
}
