package org.pcohandshake.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.aws.AwsClients;
import org.pcohandshake.testkit.aws.Emulator;
import org.pcohandshake.testkit.json.TestJson;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Events reach a rule's target on the bus with the documented source, type and detail. */
class EventPublisherIT {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T21:00:00Z"), ZoneOffset.UTC);

  private static EventBridgeClient eventBridge(Emulator emulator) {
    return EventBridgeClient.builder()
        .endpointOverride(emulator.endpoint())
        .region(AwsClients.REGION)
        .credentialsProvider(AwsClients.credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private static SqsClient sqs(Emulator emulator) {
    return SqsClient.builder()
        .endpointOverride(emulator.endpoint())
        .region(AwsClients.REGION)
        .credentialsProvider(AwsClients.credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  @Test
  void aPublishedEvent_reachesARuleOnItsSourceWithTheDocumentedShape() throws Exception {
    Emulator emulator = Emulator.shared();
    String bus = "bus-" + UUID.randomUUID();
    try (EventBridgeClient events = eventBridge(emulator);
        SqsClient sqs = sqs(emulator)) {
      events.createEventBus(r -> r.name(bus));
      String queueUrl = sqs.createQueue(r -> r.queueName("q-" + UUID.randomUUID())).queueUrl();
      String queueArn =
          sqs.getQueueAttributes(
                  r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      events.putRule(
          r -> r.name("pco").eventBusName(bus).eventPattern("{\"source\":[\"pco-handshake\"]}"));
      events.putTargets(r -> r.rule("pco").eventBusName(bus).targets(t -> t.id("q").arn(queueArn)));

      EventPublisher publisher = new EventPublisher(events, bus, "https://auth.example.com", CLOCK);
      assertTrue(
          publisher.publish(EventType.GRANT_REVOKED, Map.of("grant_id", "g-1", "reason", "admin")));

      List<Message> messages =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).messages();
      assertEquals(1, messages.size());
      Map<String, Object> envelope = TestJson.object(messages.get(0).body());
      assertEquals("pco-handshake", envelope.get("source"));
      assertEquals("Grant revoked", envelope.get("detail-type"));
      @SuppressWarnings("unchecked")
      Map<String, Object> detail = (Map<String, Object>) envelope.get("detail");
      assertEquals("1", detail.get("schema_version"));
      assertEquals("https://auth.example.com", detail.get("issuer"));
      assertEquals("2026-12-04T21:00:00Z", detail.get("occurred_at"));
      assertEquals("g-1", detail.get("grant_id"));
      assertEquals("admin", detail.get("reason"));
    }
  }

  @Test
  void aBusThatDoesNotExist_isLoggedNotThrown() {
    try (EventBridgeClient events = eventBridge(Emulator.shared())) {
      EventPublisher publisher =
          new EventPublisher(
              events, "no-such-bus-" + UUID.randomUUID(), "https://a.example", CLOCK);
      assertFalse(publisher.publish(EventType.CONNECTION_CREATED, Map.of("person_id", "1")));
    }
  }

  @Test
  void theEventsOwnMembers_cannotOverrideTheCommonOnes() throws Exception {
    try (EventBridgeClient events = eventBridge(Emulator.shared())) {
      EventPublisher publisher = new EventPublisher(events, "default", "https://a.example", CLOCK);
      Map<String, Object> detail =
          TestJson.object(
              publisher.detail(EventType.CONNECTION_CREATED, Map.of("issuer", "https://evil")));
      assertEquals("https://a.example", detail.get("issuer"));
    }
  }
}
