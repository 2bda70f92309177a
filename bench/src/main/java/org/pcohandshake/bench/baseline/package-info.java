/** The benchmark's two baselines: the JVM floor and a straightforward bare-SDK function. */
package org.pcohandshake.bench.baseline;
