/**
 * Stored Planning Center connections for the integrator's own systems: the token broker they invoke
 * ({@link org.pcohandshake.connections.PcoBroker}) and the scheduled keep-alive ({@link
 * org.pcohandshake.connections.PcoKeepAlive}), both over {@link
 * org.pcohandshake.pco.PcoTokenVault}.
 */
package org.pcohandshake.connections;
