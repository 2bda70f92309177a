package org.pcohandshake.fn.discovery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.discovery.DiscoveryEndpoint;
import org.pcohandshake.discovery.KmsPublicKeys;
import org.pcohandshake.http.Endpoint;

/**
 * {@code GET /.well-known/oauth-authorization-server}, {@code GET
 * /.well-known/openid-configuration} and {@code GET /.well-known/jwks.json}.
 */
public final class DiscoveryHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        RequestStreamHandler {

  private final DiscoveryEndpoint endpoint;

  /** Lambda's entry: configuration from the process environment. */
  public DiscoveryHandler() {
    this(System.getenv());
  }

  /** Builds the real dependencies once (nothing here depends on time). */
  public DiscoveryHandler(Map<String, String> environment) {
    Config config =
        Config.fromEnvironment(environment).require(Config.ISSUER, Config.SIGNING_KEY_ID);
    this.endpoint =
        new DiscoveryEndpoint(
            config,
            new KmsPublicKeys(
                new AwsClients(config).kms(),
                config.signingKeyId(),
                config.previousSigningKeyIds(),
                config.accessTokenAlgorithm()));
  }

  /**
   * What Lambda calls: the event's JSON read and the response's JSON written without the runtime's
   * reflective mapper (see {@link Endpoint#handle(InputStream, OutputStream, Endpoint.Style,
   * java.util.function.Function)}).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Endpoint.handle(input, output, Endpoint.Style.JSON, endpoint::handle);
  }

  /** The same request as an event object: for tests and the local stack. */
  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Endpoint.handle(event, Endpoint.Style.JSON, endpoint::handle);
  }
}
