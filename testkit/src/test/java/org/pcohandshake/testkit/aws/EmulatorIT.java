package org.pcohandshake.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.testkit.sam.ProjectRoot;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class EmulatorIT {

  @Test
  void shared_isOneInstancePerJvm() {
    assertSame(Emulator.shared(), Emulator.shared());
  }

  @Test
  void clients_reachDynamoDbKmsAndSecretsManager() {
    Emulator emulator = Emulator.shared();
    try (DynamoDbClient dynamoDb = emulator.dynamoDb();
        KmsClient kms = emulator.kms();
        SecretsManagerClient secrets = emulator.secretsManager()) {
      assertTrue(dynamoDb.listTables().sdkHttpResponse().isSuccessful());
      assertTrue(kms.listKeys().sdkHttpResponse().isSuccessful());
      assertTrue(secrets.listSecrets().sdkHttpResponse().isSuccessful());
    }
  }

  @Test
  void closingTheSharedEmulator_doesNotStopIt() {
    Emulator emulator = Emulator.shared();
    emulator.close();
    try (DynamoDbClient dynamoDb = emulator.dynamoDb()) {
      assertTrue(dynamoDb.listTables().sdkHttpResponse().isSuccessful());
    }
  }

  @Test
  void startedEmulator_writesItsLogUnderTarget_andCloseStopsIt() throws Exception {
    assumeTrue(
        Emulator.findMotoServer(System.getenv(), ProjectRoot.tryFind()).isPresent(),
        "moto_server is not installed here");
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.put(EmulatorSettings.EMULATOR_VARIABLE, "moto");
    URI endpoint;
    try (Emulator emulator = Emulator.start(EmulatorSettings.ofEnvironment(environment))) {
      assertTrue(emulator.startedProcess());
      endpoint = emulator.endpoint();
      assertEquals("127.0.0.1", endpoint.getHost());
      assertTrue(answers(endpoint));
      assertTrue(emulator.logFile().orElseThrow().toString().contains("target"));
      assertTrue(Files.exists(emulator.logFile().orElseThrow()));
    }
    assertFalse(answers(endpoint), "moto_server still answers after close()");
  }

  @Test
  void externalEmulator_isUsedAsIs() {
    Emulator external = Emulator.external(URI.create("http://127.0.0.1:1/"));
    assertFalse(external.startedProcess());
    assertEquals("http://127.0.0.1:1", external.endpointUrl());
    external.close();
  }

  @Test
  void findExecutable_findsMotoServer_orSaysHowToInstallIt() {
    if (Emulator.findMotoServer(System.getenv(), ProjectRoot.tryFind()).isPresent()) {
      assertEquals("moto_server", Emulator.findExecutable().getFileName().toString());
    } else {
      IllegalStateException e = assertThrows(IllegalStateException.class, Emulator::findExecutable);
      assertTrue(e.getMessage().contains(EmulatorChoice.MOTO_INSTALL), e.getMessage());
    }
  }

  @Test
  void unreachableExternalEndpoint_failsOnUse() {
    Emulator external = Emulator.external(URI.create("http://127.0.0.1:1"));
    try (DynamoDbClient dynamoDb = external.dynamoDb()) {
      assertThrows(RuntimeException.class, dynamoDb::listTables);
    }
  }

  private static boolean answers(URI endpoint) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(2000);
      return connection.getResponseCode() > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
