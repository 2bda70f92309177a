package org.pcohandshake.templatetests;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.aws.ProvisionedStack;
import org.pcohandshake.testkit.aws.Provisioner;
import org.pcohandshake.testkit.http.LocalApi;
import org.pcohandshake.testkit.oidc.TestProvider;
import org.pcohandshake.testkit.pco.PcoSimulator;
import org.pcohandshake.testkit.sam.SamTemplate;

/**
 * The template deployed locally: provisioned on the emulator, its routes served by LocalApi, with
 * the PCO simulator as Planning Center and PCO tokens kept ({@code store} mode).
 */
final class LocalDeployment implements AutoCloseable {

  static final String PCO_CLIENT_ID = "pco-client";
  static final String PCO_CLIENT_SECRET = "pco-client-secret-for-tests";
  static final String OIDC_CLIENT_ID = "pco-handshake-oidc-client";

  final SamTemplate template = SamTemplate.fromProjectRoot();
  final ProvisionedStack stack;
  final LocalApi api;
  final PcoSimulator pco;
  final Map<String, String> parameters = new HashMap<>();

  LocalDeployment() throws IOException {
    this(null);
  }

  /**
   * @param provider the identity provider of the {@code oidc} login mode; null for the login bridge
   */
  LocalDeployment(TestProvider provider) throws IOException {
    if (provider != null) {
      parameters.put("LoginMode", "oidc");
      parameters.put("OidcIssuer", provider.issuer());
      parameters.put("OidcClientId", OIDC_CLIENT_ID);
      // the login bridge's settings are not needed in this mode
      parameters.put("LoginUrl", "");
      parameters.put("LoginIssuer", "");
    }
    stack =
        new Provisioner(template, Emulator.shared())
            .provision(Map.of("PcoClientSecret", PCO_CLIENT_SECRET));
    String[] pcoUrl = new String[1];
    api =
        LocalApi.start(
            template, 0, (id, baseUrl) -> stack.environmentFor(id, baseUrl, parameters(pcoUrl[0])));
    pco =
        PcoSimulator.start(
            PcoSimulator.Settings.defaults()
                .withIntegratorBaseUrl(api.baseUrl())
                .withPcoClient(PCO_CLIENT_ID, PCO_CLIENT_SECRET)
                .withOauthApplicationId(
                    stack.parameterValues(Map.of()).get("PcoOAuthApplicationId"))
                .withIntegratorClient(
                    stack.environmentFor("TokenFunction", api.baseUrl()).get("CLIENT_ID"),
                    stack.secretValue("IntegratorClientSecret"))
                .withAutoApprove(true));
    pcoUrl[0] = pco.baseUrl();
  }

  private Map<String, String> parameters(String pcoBaseUrl) {
    Map<String, String> values = new HashMap<>(parameters);
    values.put("PcoBaseUrl", pcoBaseUrl);
    values.put("PcoClientId", PCO_CLIENT_ID);
    values.put("PcoTokenMode", "store");
    return values;
  }

  Map<String, String> environment(String functionLogicalId) {
    return stack.environmentFor(functionLogicalId, api.baseUrl(), parameters(pco.baseUrl()));
  }

  @Override
  public void close() {
    pco.close();
    api.close();
  }
}
