/** Times AWS SDK calls from inside a benchmarked function's JVM, for the benchmark harness. */
package org.pcohandshake.bench.probe;
