/** A local HTTP API (payload 2.0) that routes like the template and invokes the handlers. */
package org.pcohandshake.testkit.http;
