/** The login bridge as an integrator's login app speaks it, for tests and the local stack. */
package org.pcohandshake.testkit.login;
