/**
 * A fault-injecting HTTP proxy on loopback, between the AWS SDK and the emulator (or our functions
 * and the PCO simulator), that answers chosen calls with throttling, 5xx, slow answers or dropped
 * connections in the service's own wire format; for tests, never deployed.
 */
package org.pcohandshake.testkit.fault;
