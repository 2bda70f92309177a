package org.pcohandshake.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.pcohandshake.testkit.fault.Operations.GET_ITEM;
import static org.pcohandshake.testkit.fault.Operations.KMS_DECRYPT;
import static org.pcohandshake.testkit.fault.Operations.KMS_ENCRYPT;
import static org.pcohandshake.testkit.fault.Operations.UPDATE_ITEM;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcohandshake.log.Log;
import org.pcohandshake.pco.PcoClient;
import org.pcohandshake.pco.PcoException;
import org.pcohandshake.pco.PcoTokenVault;
import org.pcohandshake.pco.ReauthorizationRequired;
import org.pcohandshake.testkit.fault.Fault;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The PCO token vault (what the integrator's own functions use to call PCO) with each of its calls
 * failing: the caller gets the exception its {@code Endpoint} turns into a 503, the stored
 * connection is as before (a lease taken is given back), and the next call works. One case is not
 * recoverable and is pinned here as such: PCO rotated the refresh token and storing the new pair
 * failed.
 */
class VaultFaultIT extends FaultCase {

  static final String ORG = "2002";
  static final String PERSON = "1001";

  PcoTokenVault vault;
  PcoClient client;

  @BeforeEach
  void connect() {
    hs.complete(hs.pcoCode());
    client = hs.pcoClient();
    vault = hs.pcoVault();
  }

  /** A call to PCO's API through the vault, as a request of the integrator's would make it. */
  String callPco() {
    try (Log.Scope request = Log.request("vault-" + System.nanoTime())) {
      return vault.call(ORG, PERSON, token -> client.me(token).personId());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void connectionUnreadable_throws_connectionAsBefore_nextCallWorks(Fault fault) {
    List<String> before = hs.table();
    fail(GET_ITEM, "\"PCOCONN#", fault);
    assertThrows(SdkException.class, this::callPco);
    assertTriedBeyondRetries(GET_ITEM, fault);
    assertEquals(before, hs.table());
    assertEquals(PERSON, callPco());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void decryptFails_throws_connectionAsBefore_nextCallWorks(Fault fault) {
    List<String> before = hs.table();
    fail(KMS_DECRYPT, "", fault);
    assertThrows(SdkException.class, this::callPco);
    assertTriedBeyondRetries(KMS_DECRYPT, fault);
    assertEquals(before, hs.table());
    assertEquals(PERSON, callPco());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void leaseUnavailable_throws_connectionAsBefore_refreshWorksAfter(Fault fault) {
    hs.pco.expireAccessTokens();
    List<String> before = hs.table();
    fail(UPDATE_ITEM, "\"PCOCONN#", fault);
    assertThrows(SdkException.class, this::callPco);
    assertTriedBeyondRetries(UPDATE_ITEM, fault);
    assertEquals(before, hs.table());
    assertEquals(PERSON, callPco());
    assertEquals(1, hs.pco.refreshCalls().get());
  }

  @Test
  void pcoRefreshFails_throwsUnavailable_leaseGivenBack_refreshWorksAfter() {
    hs.pco.expireAccessTokens();
    List<String> before = hs.table();
    hs.pco.failNextTokenCalls(1, org.pcohandshake.testkit.pco.Fault.status(503));
    PcoException e = assertThrows(PcoException.class, this::callPco);
    assertEquals(PcoException.Kind.UNAVAILABLE, e.kind());
    assertEquals(before, hs.table(), "the lease was released, nothing else changed");
    assertEquals(PERSON, callPco());
  }

  /** The known limit: the rotated refresh token exists only in the answer that was not stored. */
  @Test
  void encryptFailsAfterPcoRotated_throws_thenTheConnectionNeedsReauthorization() {
    hs.pco.expireAccessTokens();
    fail(KMS_ENCRYPT, "", Fault.serverError());
    assertThrows(SdkException.class, this::callPco);
    ReauthorizationRequired next = assertThrows(ReauthorizationRequired.class, this::callPco);
    assertEquals(ReauthorizationRequired.Reason.GRANT_REVOKED, next.reason());
    // step 2 again (a new authorization at PCO) repairs it
    hs.complete(hs.pcoCode());
    assertEquals(PERSON, callPco());
  }
}
