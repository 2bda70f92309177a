/** Builders of API Gateway v2 events for invoking handlers directly in tests. */
package org.pcohandshake.testkit.events;
