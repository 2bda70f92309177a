/** Loads and invokes Lambda handlers in process, with a local Context and the event JSON mapping. */
package org.pcohandshake.testkit.lambda;
