/**
 * A Planning Center (PCO) simulator over real HTTP, for tests and the local stack; never deployed.
 */
package org.pcohandshake.testkit.pco;
