package org.pcohandshake.grant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.pcohandshake.crypto.Tokens;
import org.pcohandshake.link.PcoLink;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Grants and authorization codes as the tests build them, so that a test names only what it is
 * about. Shared with the other modules' tests through this module's test jar.
 *
 * <pre>{@code
 * Grant grant = TestGrants.grant(clientId, clock).scope("people services").build();
 * String code = TestGrants.seedCode(dynamo, grants, grant, REDIRECT, clock);
 * }</pre>
 */
public final class TestGrants {

  /** The Planning Center person and organization every test grant serves. */
  public static final PcoLink LINK = new PcoLink("org-9", "person-8", "Pat");

  /** The integrator user of a test grant unless one is named. */
  public static final String SUBJECT = "user-1";

  /** The scope of a test grant unless one is named. */
  public static final String SCOPE = "people";

  /** A test grant's lifetime unless one is named: the template's default (90 days). */
  public static final Duration LIFETIME = Duration.ofDays(90);

  /** A seeded code's lifetime: the template's default (5 minutes). */
  public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);

  private TestGrants() {}

  /**
   * A grant to {@code clientId}: a fresh id, {@link #SUBJECT}, {@link #SCOPE}, {@link #LINK},
   * ending {@link #LIFETIME} after {@code clock}'s now.
   */
  public static Builder grant(String clientId, Clock clock) {
    return new Builder(clientId, clock.instant().plus(LIFETIME));
  }

  /** {@link #grant(String, Clock)} on the system clock. */
  public static Builder grant(String clientId) {
    return grant(clientId, Clock.systemUTC());
  }

  /**
   * Stores a code for {@code grant} as POST /oauth/authorize does (no PKCE challenge, {@link
   * #CODE_LIFETIME}), returning its plaintext.
   */
  public static String seedCode(
      DynamoDbClient dynamo, GrantStore grants, Grant grant, String redirectUri, Clock clock) {
    return seedCode(
        dynamo, grants, new AuthorizationCode(grant, redirectUri, "", codeExpiry(clock), false));
  }

  /** Stores {@code code} as POST /oauth/authorize does, returning a new plaintext for it. */
  public static String seedCode(DynamoDbClient dynamo, GrantStore grants, AuthorizationCode code) {
    String plaintext = Tokens.random();
    dynamo.transactWriteItems(r -> r.transactItems(grants.putCode(Tokens.hash(plaintext), code)));
    return plaintext;
  }

  /** When a code seeded now on {@code clock} expires. */
  public static Instant codeExpiry(Clock clock) {
    return clock.instant().plus(CODE_LIFETIME);
  }

  /** A test grant with what differs from the defaults. */
  public static final class Builder {
    private final String clientId;
    private String subject = SUBJECT;
    private String scope = SCOPE;
    private PcoLink link = LINK;
    private Instant expiresAt;

    private Builder(String clientId, Instant expiresAt) {
      this.clientId = clientId;
      this.expiresAt = expiresAt;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    public Builder link(PcoLink link) {
      this.link = link;
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    /** The grant, with a fresh id. */
    public Grant build() {
      return new Grant(
          Tokens.id(), clientId, subject, Scope.parse(scope).orElseThrow(), link, expiresAt);
    }
  }
}
