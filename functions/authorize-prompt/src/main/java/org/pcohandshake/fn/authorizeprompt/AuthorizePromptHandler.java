package org.pcohandshake.fn.authorizeprompt;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import org.pcohandshake.authorize.AuthorizePrompt;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.secrets.SecretCache;
import org.pcohandshake.session.LoginTokenVerifier;
import org.pcohandshake.session.SessionStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code GET /oauth/authorize}. */
public final class AuthorizePromptHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        RequestStreamHandler {

  private final AuthorizePrompt prompt;

  /** Lambda's entry: configuration from the process environment. */
  public AuthorizePromptHandler() {
    this(System.getenv());
  }

  public AuthorizePromptHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /** Builds the real dependencies once; the clock is a parameter so tests can move time. */
  public AuthorizePromptHandler(Map<String, String> environment, Clock clock) {
    Config config =
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.PCO_OAUTH_APPLICATION_ID,
                Config.LOGIN_URL,
                Config.LOGIN_ISSUER);
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

  /**
   * What Lambda calls: the event's JSON read and the response's JSON written without the runtime's
   * reflective mapper (see {@link Endpoint#handle(InputStream, OutputStream, Endpoint.Style,
   * java.util.function.Function)}).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Endpoint.handle(input, output, Endpoint.Style.PAGE, prompt::handle);
  }

  /** The same request as an event object: for tests and the local stack. */
  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Endpoint.handle(event, Endpoint.Style.PAGE, prompt::handle);
  }
}
