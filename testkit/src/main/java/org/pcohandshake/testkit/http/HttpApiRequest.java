package org.pcohandshake.testkit.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as it reached the local API, before API Gateway turns it into an event.
 *
 * @param method the request method, e.g. {@code GET}
 * @param rawPath the path exactly as received (still percent-encoded)
 * @param rawQuery the query string exactly as received, without {@code ?}; empty when none
 * @param headers the request headers as received (names in any case, values in order)
 * @param body the request body; empty when none
 * @param sourceIp the client's address
 * @param time when the request arrived
 */
public record HttpApiRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body,
    String sourceIp,
    Instant time) {

  public HttpApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    Objects.requireNonNull(rawQuery, "rawQuery");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = Collections.unmodifiableMap(copy);
    body = body.clone();
    Objects.requireNonNull(sourceIp, "sourceIp");
    Objects.requireNonNull(time, "time");
  }

  /** The body (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Every value of a header, whatever the case of its name, in order. */
  public List<String> header(String name) {
    List<String> values = new ArrayList<>();
    headers.forEach(
        (key, list) -> {
          if (key.equalsIgnoreCase(name)) {
            values.addAll(list);
          }
        });
    return values;
  }

  /** Leaves out header values and the body, which may carry secrets. */
  @Override
  public String toString() {
    return "HttpApiRequest["
        + method
        + " "
        + rawPath
        + ", headers="
        + headers.keySet()
        + ", body="
        + body.length
        + " bytes]";
  }
}
