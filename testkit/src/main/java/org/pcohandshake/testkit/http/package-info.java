/** A local API Gateway HTTP API (payload 2.0) that routes like the template and invokes handlers. */
package org.pcohandshake.testkit.http;
