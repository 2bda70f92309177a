package org.pcohandshake.invoke;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pcohandshake.error.ErrorCatalog;

/** What a command gets back: the operation's answer, or a refusal from the error catalog. */
public sealed interface Reply {

  /** The answer's JSON members, in order. */
  Map<String, Object> body();

  /** The operation's answer. */
  record Done(Map<String, Object> body) implements Reply {
    public Done {
      body = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }
  }

  /**
   * A refusal: {@code {"error": code, "error_description": fixed text, ...details}}. Details are
   * values of this stack (a reason, a time, an id the caller sent), never exception text.
   */
  record Refused(ErrorCatalog.Invocation error, Map<String, Object> details) implements Reply {
    public Refused {
      details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public Refused(ErrorCatalog.Invocation error) {
      this(error, Map.of());
    }

    @Override
    public Map<String, Object> body() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", error.code());
      body.put("error_description", error.description());
      details.forEach(body::putIfAbsent);
      return body;
    }
  }
}
