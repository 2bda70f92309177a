package org.pcohandshake.connections;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.invoke.Reply;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoConnection;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.ReauthorizationRequired;

/** What the broker and keep-alive share: the vault they are built on, and its refusals. */
final class Connections {

  private Connections() {}

  /**
   * The vault of a {@code store}-mode deployment, publishing connection events; empty in the other
   * modes, where no connection is ever stored (the functions then answer that there is none, and a
   * deployment in those modes still starts).
   */
  static Optional<PcoTokenVault> vault(Config config, Clock clock) {
    if (!(config.pcoTokenMode() instanceof PcoTokenMode.Store store)) {
      return Optional.empty();
    }
    AwsClients aws = new AwsClients(config);
    PcoClient pco =
        PcoClient.from(config.pco(), store.clientId(), store.clientSecretId(), aws, clock);
    return Optional.of(PcoTokenVault.publishing(config, store, aws, aws.dynamoDb(), pco, clock));
  }

  /** {@code not_connected} or {@code reauthorization_required}, with the ids, reason and time. */
  static Reply.Refused refused(ReauthorizationRequired e) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("organization_id", e.organizationId());
    if (!e.personId().isEmpty()) {
      details.put("person_id", e.personId());
    }
    if (e.reason() == ReauthorizationRequired.Reason.NOT_CONNECTED) {
      return new Reply.Refused(ErrorCatalog.Invocation.NOT_CONNECTED, details);
    }
    details.put(
        "reason",
        switch (e.reason()) {
          case UNREADABLE -> "unreadable";
          default -> e.statusReason().isEmpty() ? "invalid_grant" : e.statusReason();
        });
    e.since().ifPresent(since -> details.put("since", since.toString()));
    return new Reply.Refused(ErrorCatalog.Invocation.REAUTHORIZATION_REQUIRED, details);
  }

  /** One connection as the broker lists it. */
  static Map<String, Object> json(PcoConnection connection) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("organization_id", connection.organizationId());
    json.put("person_id", connection.personId());
    json.put("status", connection.status());
    json.put("connected_at", connection.connectedAt().toString());
    json.put("last_refreshed_at", connection.lastRefreshedAt().toString());
    json.put("scopes", connection.scopes());
    connection.reason().ifPresent(reason -> json.put("reason", reason));
    connection.since().ifPresent(since -> json.put("since", since.toString()));
    return json;
  }
}
