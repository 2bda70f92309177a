package org.pcohandshake.testkit.aws;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A bus of its own in the emulator with a rule on the stack's source ({@code pco-handshake})
 * delivering to a queue: point a function's {@code EVENT_BUS_NAME} at {@link #busName()} and read
 * what it published with {@link #events()}. The events travel the way they do in AWS (PutEvents, a
 * rule's pattern, a target), nothing is mocked.
 */
public final class EventCapture implements AutoCloseable {

  private final EventBridgeClient events;
  private final SqsClient sqs;
  private final String busName = "bus-" + UUID.randomUUID();
  private final String queueUrl;
  private final List<JsonObject> received = new ArrayList<>();

  public EventCapture(Emulator emulator) {
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
    events.createEventBus(r -> r.name(busName));
    queueUrl = sqs.createQueue(r -> r.queueName("q-" + UUID.randomUUID())).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(
                r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    events.putRule(
        r -> r.name("pco").eventBusName(busName).eventPattern("{\"source\":[\"pco-handshake\"]}"));
    events.putTargets(
        r -> r.rule("pco").eventBusName(busName).targets(t -> t.id("q").arn(queueArn)));
  }

  /** The bus's name, for {@code EVENT_BUS_NAME}. */
  public String busName() {
    return busName;
  }

  /**
   * Every event delivered so far (envelopes: {@code source}, {@code detail-type}, {@code detail}).
   */
  public synchronized List<JsonObject> events() {
    while (true) {
      List<Message> messages =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
              .messages();
      if (messages.isEmpty()) {
        return List.copyOf(received);
      }
      for (Message message : messages) {
        received.add(JsonParser.parseString(message.body()).getAsJsonObject());
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
    }
  }

  /** An event as the rule delivered it: its detail-type and detail. */
  public record Received(String detailType, java.util.Map<String, Object> detail) {}

  /**
   * The events delivered since the last call of this or {@link #events()} (each read once here),
   * waiting up to about 10 s for at least {@code atLeast} of them; 0 takes what is there.
   */
  @SuppressWarnings("unchecked")
  public synchronized List<Received> take(int atLeast) {
    List<Received> out = new ArrayList<>();
    for (int round = 0; round < 10 && (round == 0 || out.size() < atLeast); round++) {
      List<Message> messages =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      for (Message message : messages) {
        received.add(JsonParser.parseString(message.body()).getAsJsonObject());
        java.util.Map<String, Object> envelope =
            org.pcohandshake.testkit.json.TestJson.object(message.body());
        out.add(
            new Received(
                (String) envelope.get("detail-type"),
                (java.util.Map<String, Object>) envelope.get("detail")));
        sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
      if (messages.isEmpty() && out.size() >= atLeast) {
        break;
      }
    }
    return out;
  }

  /** The delivered events of one {@code detail-type} whose detail passes {@code filter}. */
  public List<JsonObject> events(String detailType, Predicate<JsonObject> filter) {
    return events().stream()
        .filter(e -> detailType.equals(e.get("detail-type").getAsString()))
        .filter(e -> filter.test(e.getAsJsonObject("detail")))
        .toList();
  }

  @Override
  public void close() {
    events.close();
    sqs.close();
  }
}
