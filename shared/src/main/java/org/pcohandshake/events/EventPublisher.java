package org.pcohandshake.events;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.json.Json;
import org.pcohandshake.log.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes the stack's events to an EventBridge bus (the account's default bus unless {@code
 * EVENT_BUS_NAME} names another), with source {@value #SOURCE} and a detail of this shape:
 *
 * <pre>{@code
 * {"schema_version": "1", "issuer": "https://auth.example.com", "occurred_at": "2026-12-04T21:00:00Z", ...}
 * }</pre>
 *
 * <p>Publishing is best effort and at most once: the operation that causes an event is never failed
 * or undone because the event could not be published (a revocation must not wait on EventBridge); a
 * failure is logged as {@code event_not_published} with the event's type, which a CloudWatch metric
 * filter can count. Details carry ids, reasons and times, never a token, code, secret or anything a
 * person typed.
 */
public final class EventPublisher {

  /** Every event's {@code source}. */
  public static final String SOURCE = "pco-handshake";

  /** The detail schema's version: members are added within a version, never renamed. */
  public static final String SCHEMA_VERSION = "1";

  /** EventBridge's own limit for one entry is 256 KB; the stack's details are far smaller. */
  static final int MAX_DETAIL_BYTES = 8 * 1024;

  private final Supplier<EventBridgeClient> events;
  private final String busName;
  private final String issuer;
  private final Clock clock;

  /**
   * @param busName the bus's name or ARN ({@code default} for the account's default bus)
   * @param issuer this deployment's issuer, in every detail so that one bus can carry several
   */
  public EventPublisher(EventBridgeClient events, String busName, String issuer, Clock clock) {
    this(supplying(Objects.requireNonNull(events, "events")), busName, issuer, clock);
  }

  private EventPublisher(
      Supplier<EventBridgeClient> events, String busName, String issuer, Clock clock) {
    this.events = events;
    this.busName = Objects.requireNonNull(busName, "busName");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The publisher of a function's configuration whose client is built at its first event, not at
   * init: for a function on the hot path that publishes rarely (the token function, on a replay or
   * a reuse), so its cold start does not pay for a client it seldom uses.
   */
  public static EventPublisher lazy(Config config, AwsClients aws, Clock clock) {
    return new EventPublisher(
        new Supplier<>() {
          private volatile EventBridgeClient client;

          @Override
          public EventBridgeClient get() {
            EventBridgeClient c = client;
            if (c == null) {
              synchronized (this) {
                c = client;
                if (c == null) {
                  c = aws.configured(EventBridgeClient.builder()).build();
                  client = c;
                }
              }
            }
            return c;
          }
        },
        config.eventBusName(),
        config.issuer(),
        clock);
  }

  private static Supplier<EventBridgeClient> supplying(EventBridgeClient client) {
    return () -> client;
  }

  /** The publisher of a function's configuration ({@code EVENT_BUS_NAME}, {@code ISSUER}). */
  public static EventPublisher from(Config config, AwsClients aws, Clock clock) {
    return new EventPublisher(
        aws.configured(EventBridgeClient.builder()).build(),
        config.eventBusName(),
        config.issuer(),
        clock);
  }

  /**
   * Publishes one event; never throws for EventBridge's sake.
   *
   * @param fields the event's own members (ids, reasons, times); they follow the common ones
   * @return whether EventBridge accepted it
   */
  public boolean publish(EventType type, Map<String, ?> fields) {
    String detail = detail(type, fields);
    try {
      PutEventsResponse response =
          events
              .get()
              .putEvents(
                  r ->
                      r.entries(
                          e ->
                              e.eventBusName(busName)
                                  .source(SOURCE)
                                  .detailType(type.detailType())
                                  .detail(detail)));
      Integer failed = response.failedEntryCount();
      if (failed != null && failed > 0) {
        String code = response.hasEntries() ? response.entries().get(0).errorCode() : null;
        notPublished(type, code == null ? "rejected" : code);
        return false;
      }
      Log.info(Log.requestId(), "event_published", Map.of("type", type.name()));
      return true;
    } catch (SdkException e) {
      notPublished(type, e.getClass().getSimpleName());
      return false;
    }
  }

  /** The detail's JSON: the common members, then the event's own. */
  String detail(EventType type, Map<String, ?> fields) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("schema_version", SCHEMA_VERSION);
    detail.put("issuer", issuer);
    detail.put(
        "occurred_at",
        clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    fields.forEach(detail::putIfAbsent);
    String json = Json.write(detail);
    if (json.length() > MAX_DETAIL_BYTES) {
      throw new IllegalArgumentException("event detail too large: " + type);
    }
    return json;
  }

  private static void notPublished(EventType type, String reason) {
    Log.warn(Log.requestId(), "event_not_published", Map.of("type", type.name(), "reason", reason));
  }
}
