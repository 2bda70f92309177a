package org.pcohandshake.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcohandshake.config.Config;
import org.pcohandshake.error.ErrorCatalog;
import org.pcohandshake.testkit.json.TestJson;

/** The shared contract of invoke-style functions: one answer shape, refusals that never echo. */
class InvokeFunctionTest {

  /** Echoes a person id back, refuses unknown operations, fails on {@code boom}. */
  static final class Sample extends InvokeFunction {
    Sample() {
      super(
          "sample",
          Config.fromEnvironment(Map.of()),
          config ->
              command ->
                  switch (command.operation()) {
                    case "person" -> {
                      command.allowOnly(List.of("person_id", "limit"));
                      yield new Reply.Done(
                          Map.of(
                              "person_id", command.id("person_id"),
                              "limit", command.number("limit", 10, 1, 100)));
                    }
                    case "boom" -> throw new IllegalStateException("secret-detail-s3cr3t");
                    default -> new Reply.Refused(ErrorCatalog.Invocation.UNKNOWN_OPERATION);
                  },
          config -> List.of());
    }
  }

  private static Map<String, Object> invoke(String payload) throws Exception {
    return invoke(payload.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> invoke(byte[] payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Sample().handleRequest(new ByteArrayInputStream(payload), out, null);
    return TestJson.object(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aWellFormedCommand_getsTheOperationsAnswer() throws Exception {
    Map<String, Object> answer = invoke("{\"operation\":\"person\",\"person_id\":\"42\"}");
    assertEquals("42", answer.get("person_id"));
    assertEquals(10.0, ((Number) answer.get("limit")).doubleValue());
    assertFalse(answer.containsKey("error"));
  }

  @Test
  void notJson_isInvalidRequestAboutThePayload() throws Exception {
    Map<String, Object> answer = invoke("operation=person");
    assertEquals("invalid_request", answer.get("error"));
    assertEquals("(payload)", answer.get("argument"));
    assertEquals(
        ErrorCatalog.Invocation.INVALID_REQUEST.description(), answer.get("error_description"));
  }

  @Test
  void aJsonArray_isInvalidRequest() throws Exception {
    assertEquals("invalid_request", invoke("[1,2]").get("error"));
  }

  @Test
  void aPayloadOverTheLimit_isRefusedUnread() throws Exception {
    byte[] big = new byte[InvokeFunction.MAX_PAYLOAD_BYTES + 10];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    Map<String, Object> answer = invoke(big);
    assertEquals("invalid_request", answer.get("error"));
    assertTrue(((String) answer.get("problem")).contains("larger than"));
  }

  @Test
  void noOperation_orAMalformedOne_isInvalidRequestAboutOperation() throws Exception {
    assertEquals("operation", invoke("{\"person_id\":\"42\"}").get("argument"));
    Map<String, Object> answer = invoke("{\"operation\":\"<script>\"}");
    assertEquals("operation", answer.get("argument"));
    assertFalse(answer.toString().contains("<script>"));
  }

  @Test
  void anUnknownOperation_isUnknownOperation() throws Exception {
    assertEquals("unknown_operation", invoke("{\"operation\":\"drop_all\"}").get("error"));
  }

  @Test
  void aMalformedArgument_namesTheArgumentButNeverEchoesTheValue() throws Exception {
    Map<String, Object> answer =
        invoke("{\"operation\":\"person\",\"person_id\":\"x' OR 1=1 -- pco_tok_leak\"}");
    assertEquals("invalid_request", answer.get("error"));
    assertEquals("person_id", answer.get("argument"));
    assertFalse(answer.toString().contains("pco_tok_leak"));
  }

  @Test
  void aMisspeltArgument_isRefusedNotIgnored() throws Exception {
    Map<String, Object> answer =
        invoke("{\"operation\":\"person\",\"person_id\":\"42\",\"persn_id\":\"43\"}");
    assertEquals("invalid_request", answer.get("error"));
    assertEquals("persn_id", answer.get("argument"));
  }

  @Test
  void aNumberOutOfRange_isInvalidRequest() throws Exception {
    assertEquals(
        "limit",
        invoke("{\"operation\":\"person\",\"person_id\":\"42\",\"limit\":1000}").get("argument"));
    assertEquals(
        "limit",
        invoke("{\"operation\":\"person\",\"person_id\":\"42\",\"limit\":2.5}").get("argument"));
  }

  @Test
  void anInternalFault_isAGenericInternalErrorWithoutItsDetail() throws Exception {
    Map<String, Object> answer = invoke("{\"operation\":\"boom\"}");
    assertEquals("internal_error", answer.get("error"));
    assertFalse(answer.toString().contains("s3cr3t"));
  }
}
