package org.pcohandshake.http;

/**
 * What serves one function's requests: built once per instance from the configuration (by a {@code
 * from(Config, Clock)} factory), answering each request, and priming itself before a SnapStart
 * snapshot.
 */
public interface HttpService {

  /** One request in, one response out; errors go the shared way ({@link Endpoint}). */
  HttpResponse handle(HttpRequest request);

  /**
   * SnapStart priming beyond the function's priming requests: the direct steps those requests
   * cannot reach (a store's read and write on values never issued, a page rendered for a sample).
   * Every read misses, every write is refused, nothing random is drawn, no secret is read (see
   * {@link org.pcohandshake.snapstart.Priming}). Nothing by default.
   */
  default void prime() {}
}
