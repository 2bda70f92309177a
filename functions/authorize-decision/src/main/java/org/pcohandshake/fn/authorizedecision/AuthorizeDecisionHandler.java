package org.pcohandshake.fn.authorizedecision;

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
import org.pcohandshake.authorize.AuthorizeDecision;
import org.pcohandshake.authorize.ConsentStore;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.grant.GrantStore;
import org.pcohandshake.http.Endpoint;
import org.pcohandshake.session.SessionStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code POST /oauth/authorize}. */
public final class AuthorizeDecisionHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        RequestStreamHandler {

  private final AuthorizeDecision decision;

  /** Lambda's entry: configuration from the process environment. */
  public AuthorizeDecisionHandler() {
    this(System.getenv());
  }

  public AuthorizeDecisionHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /** Builds the real dependencies once; the clock is a parameter so tests can move time. */
  public AuthorizeDecisionHandler(Map<String, String> environment, Clock clock) {
    Config config =
        Config.fromEnvironment(environment)
            .require(
                Config.ISSUER,
                Config.TABLE_NAME,
                Config.CLIENT_ID,
                Config.PCO_OAUTH_APPLICATION_ID);
    DynamoDbClient dynamo = new AwsClients(config).dynamoDb();
    this.decision =
        new AuthorizeDecision(
            config,
            new SessionStore(dynamo, config.tableName(), config.sessionTtl(), clock),
            new ConsentStore(dynamo, config.tableName(), config.consentTtl(), clock),
            new GrantStore(dynamo, config.tableName(), clock),
            clock);
  }

  /**
   * What Lambda calls: the event's JSON read and the response's JSON written without the runtime's
   * reflective mapper (see {@link Endpoint#handle(InputStream, OutputStream, Endpoint.Style,
   * java.util.function.Function)}).
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Endpoint.handle(input, output, Endpoint.Style.PAGE, decision::handle);
  }

  /** The same request as an event object: for tests and the local stack. */
  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Endpoint.handle(event, Endpoint.Style.PAGE, decision::handle);
  }
}
