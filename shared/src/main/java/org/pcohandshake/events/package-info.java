/**
 * What the stack tells the integrator's systems on EventBridge: Planning Center connections
 * created, healed, needing reauthorization or disconnected, and grants revoked. One source ({@value
 * org.pcohandshake.events.EventPublisher#SOURCE}), one detail schema (README "Events").
 */
package org.pcohandshake.events;
