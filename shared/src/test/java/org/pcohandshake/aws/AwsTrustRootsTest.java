package org.pcohandshake.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust store of the functions that call only AWS: AWS's roots and nothing else. */
class AwsTrustRootsTest {

  /**
   * SHA-256 of Amazon Root CA 1, 2, 3, 4 and Starfield Services Root Certificate Authority - G2.
   */
  private static final Set<String> AWS_ROOTS =
      Set.of(
          "8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e",
          "1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4",
          "18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4",
          "e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092",
          "568d6905a2c88708a4b3025190edcfedb1974a606a13c6e5290fcb2ae63edab5");

  @Test
  void trustStore_holdsExactlyAwsRoots_readableWithoutAPassword_validPast2036() throws Exception {
    KeyStore store = load();
    Set<String> fingerprints = new TreeSet<>();
    for (X509Certificate root : certificates(store)) {
      fingerprints.add(sha256(root));
      assertTrue(root.getNotAfter().toInstant().isAfter(Instant.parse("2037-01-01T00:00:00Z")));
    }
    assertEquals(new TreeSet<>(AWS_ROOTS), fingerprints);
  }

  @Test
  void trustManager_refusesAChainToAnyOtherRootTheJdkTrusts() throws Exception {
    X509TrustManager aws = trustManager(load());
    X509TrustManager jdk = trustManager(null);
    List<X509Certificate> others = new ArrayList<>();
    for (X509Certificate root : jdk.getAcceptedIssuers()) {
      if (!AWS_ROOTS.contains(sha256(root))) {
        others.add(root);
      }
    }
    assertFalse(others.isEmpty());
    for (X509Certificate other : others) {
      assertThrows(
          CertificateException.class,
          () -> aws.checkServerTrusted(new X509Certificate[] {other}, "RSA"),
          other.getSubjectX500Principal().getName());
    }
    assertEquals(
        new TreeSet<>(AWS_ROOTS),
        new TreeSet<>(Arrays.stream(aws.getAcceptedIssuers()).map(this::sha256).toList()));
  }

  @Test
  void unreadableTrustStore_isReported_aReadableOneOrNoneIsNot(@TempDir Path dir) throws Exception {
    assertTrue(AwsClients.warnIfTrustStoreUnreadable(null));
    Path file = Files.write(dir.resolve(AwsClients.AWS_TRUST_ROOTS), new byte[] {1});
    assertTrue(AwsClients.warnIfTrustStoreUnreadable(file.toString()));
    assertFalse(AwsClients.warnIfTrustStoreUnreadable(dir.resolve("absent.p12").toString()));
  }

  private static KeyStore load() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = AwsClients.class.getResourceAsStream("/" + AwsClients.AWS_TRUST_ROOTS)) {
      // as the JDK loads a trust store given without javax.net.ssl.trustStorePassword
      store.load(in, null);
    }
    return store;
  }

  private static List<X509Certificate> certificates(KeyStore store) throws Exception {
    List<X509Certificate> result = new ArrayList<>();
    for (String alias : java.util.Collections.list(store.aliases())) {
      assertTrue(store.isCertificateEntry(alias), alias);
      result.add((X509Certificate) store.getCertificate(alias));
    }
    return result;
  }

  private static X509TrustManager trustManager(KeyStore store) throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  private String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
