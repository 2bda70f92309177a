package org.pcohandshake.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.pcohandshake.testkit.aws.AwsClients;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.json.TestJson;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A bus of its own in the emulator with a rule that sends every {@code pco-handshake} event to a
 * queue, for tests that check what a function published: give a function {@code EVENT_BUS_NAME}
 * {@link #name()}, then read {@link #received}. Shared through this module's test jar (the module
 * that uses it needs the {@code sqs} and {@code eventbridge} SDK modules on its test classpath).
 */
public final class TestEventBus implements AutoCloseable {

  private final EventBridgeClient events;
  private final SqsClient sqs;
  private final String name = "bus-" + UUID.randomUUID();
  private final String queueUrl;

  public TestEventBus(Emulator emulator) {
    events =
        EventBridgeClient.builder()
            .endpointOverride(emulator.endpoint())
            .region(AwsClients.REGION)
            .credentialsProvider(AwsClients.credentials())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    sqs =
        SqsClient.builder()
            .endpointOverride(emulator.endpoint())
            .region(AwsClients.REGION)
            .credentialsProvider(AwsClients.credentials())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    events.createEventBus(r -> r.name(name));
    queueUrl = sqs.createQueue(r -> r.queueName("q-" + UUID.randomUUID())).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(
                r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    events.putRule(
        r ->
            r.name("all")
                .eventBusName(name)
                .eventPattern("{\"source\":[\"" + EventPublisher.SOURCE + "\"]}"));
    events.putTargets(r -> r.rule("all").eventBusName(name).targets(t -> t.id("q").arn(queueArn)));
  }

  /** The bus's name, for {@code EVENT_BUS_NAME}. */
  public String name() {
    return name;
  }

  /** An event as the rule delivered it: its detail-type and detail. */
  public record Received(String detailType, Map<String, Object> detail) {}

  /**
   * The events delivered since the last call (each read once), waiting up to about 10 s for at
   * least {@code atLeast} of them; 0 drains what is there.
   */
  @SuppressWarnings("unchecked")
  public List<Received> received(int atLeast) {
    List<Received> out = new ArrayList<>();
    for (int round = 0; round < 10 && (round == 0 || out.size() < atLeast); round++) {
      List<Message> messages =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      for (Message m : messages) {
        Map<String, Object> envelope = TestJson.object(m.body());
        out.add(
            new Received(
                (String) envelope.get("detail-type"),
                (Map<String, Object>) envelope.get("detail")));
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
      if (messages.isEmpty() && out.size() >= atLeast) {
        break;
      }
    }
    return out;
  }

  @Override
  public void close() {
    events.close();
    sqs.close();
  }
}
