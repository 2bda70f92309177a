/** JSON for the tests, by a real JSON library (Gson), independent of the code under test. */
package org.pcohandshake.testkit.json;
