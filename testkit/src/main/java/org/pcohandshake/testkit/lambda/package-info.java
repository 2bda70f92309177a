/** Loads and invokes Lambda handlers in process: local Context, event JSON mapping. */
package org.pcohandshake.testkit.lambda;
