/** A clock that tests can move. */
package org.pcohandshake.testkit.time;
