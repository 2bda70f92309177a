package org.pcohandshake.pco;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pcohandshake.aws.AwsClients;
import org.pcohandshake.config.Config;
import org.pcohandshake.config.PcoTokenMode;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.http.Cookies;
import org.pcohandshake.http.HttpRequest;
import org.pcohandshake.http.HttpResponse;
import org.pcohandshake.http.HttpService;
import org.pcohandshake.link.LinkStore;
import org.pcohandshake.link.PcoLink;
import org.pcohandshake.log.Log;
import org.pcohandshake.metrics.Metrics;
import org.pcohandshake.snapstart.Priming;
import org.pcohandshake.store.StoreFailures;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@code GET /oauth/pco/complete} (step 2): Planning Center returns the browser with a code (or an
 * error). Depending on the mode the code is ignored, or exchanged to learn who the person is, and
 * the tokens kept encrypted or discarded. The PCO identity is remembered behind the link cookie for
 * step 4, and the browser goes on to PCO's {@code /advance}.
 *
 * <p>Every PCO failure answers a page from the catalog and writes nothing: the identity is
 * confirmed before anything is stored.
 */
public final class PcoComplete implements HttpService {

  /** The route; with the issuer it is the {@code redirect_uri} the code was issued for. */
  public static final String PATH = "/oauth/pco/complete";

  /** What to do with Planning Center's code, built once from {@code PCO_TOKEN_MODE}. */
  public sealed interface Mode {

    /** No exchange: straight on to {@code /advance}, no link. */
    record Skip() implements Mode {}

    /** Exchange and identify; the tokens are discarded. */
    record Identify(PcoClient pco) implements Mode {
      public Identify {
        Objects.requireNonNull(pco, "pco");
      }
    }

    /** Exchange, identify, keep the tokens encrypted in the vault. */
    record Store(PcoClient pco, PcoTokenVault vault) implements Mode {
      public Store {
        Objects.requireNonNull(pco, "pco");
        Objects.requireNonNull(vault, "vault");
      }
    }
  }

  /** How one request ended. */
  private sealed interface Outcome {
    /**
     * On to {@code /advance}; with the identity, and the link cookie when the link was already
     * stored (with the tokens, in store mode).
     */
    record Advanced(
        Optional<PcoIdentity> identity, String organizationName, Optional<String> storedLink)
        implements Outcome {
      static Advanced skipped() {
        return new Advanced(Optional.empty(), "", Optional.empty());
      }
    }

    record Refused(ErrorCatalog.Page page, String reason) implements Outcome {}
  }

  private final Mode mode;
  private final LinkStore links;
  private final String redirectUri;
  private final String advanceUrl;

  /**
   * The real dependencies: only the clients the configured {@code PCO_TOKEN_MODE} needs, with the
   * settings that mode requires ({@link Config#pcoTokenMode()} fails naming any that is missing).
   */
  public static PcoComplete from(Config config, Clock clock) {
    AwsClients aws = new AwsClients(config);
    DynamoDbClient dynamo = aws.dynamoDb();
    Mode mode =
        switch (config.pcoTokenMode()) {
          case PcoTokenMode.Skip skip -> new Mode.Skip();
          case PcoTokenMode.Identify(String clientId, String clientSecretId) ->
              new Mode.Identify(PcoClient.from(config.pco(), clientId, clientSecretId, aws, clock));
          case PcoTokenMode.Store store -> {
            PcoClient pco =
                PcoClient.from(config.pco(), store.clientId(), store.clientSecretId(), aws, clock);
            yield new Mode.Store(
                pco, PcoTokenVault.publishing(config, store, aws, dynamo, pco, clock));
          }
        };
    return new PcoComplete(
        config, mode, new LinkStore(dynamo, config.tableName(), config.pco().linkTtl(), clock));
  }

  public PcoComplete(Config config, Mode mode, LinkStore links) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.links = Objects.requireNonNull(links, "links");
    this.redirectUri = config.issuer() + PATH;
    this.advanceUrl = config.pcoAdvanceUrl();
  }

  @Override
  public HttpResponse handle(HttpRequest http) {
    Outcome outcome = complete(http);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("mode", modeName());
    switch (outcome) {
      case Outcome.Refused refused -> {
        fields.put("result", refused.reason());
        Log.warn(http.requestId(), "pco_complete", fields);
        return refused.page().page();
      }
      case Outcome.Advanced advanced -> {
        HttpResponse response = HttpResponse.redirect(302, advanceUrl);
        if (advanced.identity().isPresent()) {
          PcoIdentity identity = advanced.identity().get();
          String cookie =
              advanced
                  .storedLink()
                  .orElseGet(() -> links.put(link(identity), advanced.organizationName()));
          response = response.withCookie(Cookies.set(Cookies.PCO_LINK, cookie, links.ttl()));
          fields.put("organization", identity.organizationId());
          fields.put("person", identity.personId());
        }
        fields.put("result", "advanced");
        Log.info(http.requestId(), "pco_complete", fields);
        Metrics.count(Metrics.Event.HandshakeStarted);
        return response;
      }
    }
  }

  private Outcome complete(HttpRequest http) {
    Optional<String> error = http.query().get("error");
    if (error.isPresent()) {
      return refusedByPco(error.get());
    }
    Optional<String> code = http.query().get("code");
    if (code.isEmpty()) {
      return new Outcome.Refused(ErrorCatalog.Page.PCO_MISSING_CODE, "missing_code");
    }
    if (!plausibleCode(code.get())) {
      // never sent to PCO with our client credentials
      return new Outcome.Refused(ErrorCatalog.Page.PCO_BAD_CODE, "implausible_code");
    }
    try {
      return switch (mode) {
        case Mode.Skip skip -> Outcome.Advanced.skipped();
        case Mode.Identify identify -> {
          PcoTokens tokens = identify.pco().exchangeCode(code.get(), redirectUri);
          PcoIdentity identity = identify.pco().me(tokens.accessToken());
          yield new Outcome.Advanced(
              Optional.of(identity),
              organizationName(identify.pco(), tokens, identity),
              Optional.empty());
        }
        case Mode.Store store -> {
          PcoTokens tokens = store.pco().exchangeCode(code.get(), redirectUri);
          PcoIdentity identity = store.pco().me(tokens.accessToken());
          String organizationName = organizationName(store.pco(), tokens, identity);
          // the connection and its link in one transaction: a failure leaves neither behind
          LinkStore.Prepared link = links.prepare(link(identity), organizationName);
          store.vault().store(identity, tokens, link.put());
          yield new Outcome.Advanced(
              Optional.of(identity), organizationName, Optional.of(link.cookie()));
        }
      };
    } catch (PcoException e) {
      ErrorCatalog.Page page =
          switch (e.kind()) {
            // a 401 for a token issued a moment ago: the authorization is no longer good
            case INVALID_GRANT, UNAUTHORIZED -> ErrorCatalog.Page.PCO_INVALID_GRANT;
            case REJECTED -> ErrorCatalog.Page.PCO_REJECTED;
            case UNAVAILABLE -> ErrorCatalog.Page.PCO_UNAVAILABLE;
          };
      return new Outcome.Refused(
          page,
          e.operation()
              + "_"
              + e.kind().name().toLowerCase(Locale.ROOT)
              + (e.status() > 0 ? "_" + e.status() : ""));
    }
  }

  /** The longest code accepted: well above any OAuth server's, far below a URL's limit. */
  static final int MAX_CODE_LENGTH = 1024;

  /**
   * Whether a code could be one PCO issued: 1 to {@link #MAX_CODE_LENGTH} characters of RFC 6749's
   * {@code VSCHAR} (%x20-7E). Nothing stricter: PCO's code format is not documented (its provider,
   * Doorkeeper, defaults to URL-safe base64).
   */
  static boolean plausibleCode(String code) {
    if (code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
      return false;
    }
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * The organization's name for the consent page, read once here; a display value, so a failure of
   * that one call costs the name, not the handshake.
   */
  private static String organizationName(PcoClient pco, PcoTokens tokens, PcoIdentity identity) {
    try {
      return pco.organizationName(tokens.accessToken(), identity.organizationId());
    } catch (PcoException e) {
      return "";
    }
  }

  /**
   * SnapStart priming: what follows Planning Center's two answers, run once without calling
   * Planning Center and without storing anything. Sample answers of PCO's token endpoint and of
   * {@code /people/v2/me} are parsed; the link's write (in store mode with the tokens' encryption,
   * one KMS {@code Encrypt} of the sample, and the transaction) is made for a cookie value that was
   * never issued, on a condition the table refuses; and the redirect to {@code /advance} with the
   * link cookie is written. No secret is read (the PCO client secret is read only by the code
   * exchange, which does not run) and no random value is drawn.
   */
  @Override
  public void prime() {
    String neverIssued = Priming.NEVER_ISSUED;
    HttpResponse response = HttpResponse.redirect(302, advanceUrl);
    if (!(mode instanceof Mode.Skip)) {
      PcoTokens tokens = PcoClient.parseTokens("exchange", 200, SAMPLE_TOKENS, Instant.EPOCH);
      PcoIdentity identity = PcoClient.parseMe(200, SAMPLE_ME);
      String organizationName =
          PcoClient.parseOrganizationName(200, SAMPLE_ORGANIZATION, identity.organizationId());
      if (mode instanceof Mode.Store store) {
        try {
          store
              .vault()
              .store(
                  identity,
                  tokens,
                  links.prepareRefused(neverIssued, link(identity), organizationName).put());
        } catch (TransactionCanceledException refused) {
          // what priming expects: the link's put (item 1) failed its condition; anything else is a
          // failure to report
          if (!StoreFailures.conditionFailed(refused, 1)) {
            throw refused;
          }
        }
      } else {
        links.putRefused(neverIssued, link(identity), organizationName);
      }
      response = response.withCookie(Cookies.set(Cookies.PCO_LINK, neverIssued, links.ttl()));
    }
    response.toEventJson();
  }

  /** A token endpoint answer as PCO gives one, for {@link #prime}. */
  private static final String SAMPLE_TOKENS =
      "{\"access_token\":\"priming\",\"token_type\":\"bearer\",\"expires_in\":7200,"
          + "\"refresh_token\":\"priming\",\"scope\":\"people\",\"created_at\":0}";

  /** A {@code /people/v2/me} answer (JSON:API) as PCO gives one, for {@link #prime}. */
  private static final String SAMPLE_ME =
      "{\"data\":{\"type\":\"Person\",\"id\":\"priming\",\"attributes\":{\"name\":\"Priming\"}},"
          + "\"meta\":{\"parent\":{\"type\":\"Organization\",\"id\":\"priming\"}}}";

  /** A {@code /people/v2} answer (JSON:API) as PCO gives one, for {@link #prime}. */
  private static final String SAMPLE_ORGANIZATION =
      "{\"data\":{\"type\":\"Organization\",\"id\":\"priming\","
          + "\"attributes\":{\"name\":\"Priming\"}}}";

  private static PcoLink link(PcoIdentity identity) {
    return new PcoLink(identity.organizationId(), identity.personId(), identity.name());
  }

  /** PCO sent {@code error=…} (RFC 6749 section 4.1.2.1) instead of a code. */
  private static Outcome refusedByPco(String error) {
    // logged only when it is one of the registered codes, never free text from the URL
    return switch (error) {
      case "access_denied" -> new Outcome.Refused(ErrorCatalog.Page.PCO_DENIED, "access_denied");
      case "server_error", "temporarily_unavailable" ->
          new Outcome.Refused(ErrorCatalog.Page.PCO_UNAVAILABLE, "pco_" + error);
      case "invalid_request", "unauthorized_client", "unsupported_response_type", "invalid_scope" ->
          new Outcome.Refused(ErrorCatalog.Page.PCO_REJECTED, "pco_" + error);
      default -> new Outcome.Refused(ErrorCatalog.Page.PCO_REJECTED, "pco_other_error");
    };
  }

  private String modeName() {
    return switch (mode) {
      case Mode.Skip skip -> "skip";
      case Mode.Identify identify -> "identify";
      case Mode.Store store -> "store";
    };
  }
}
