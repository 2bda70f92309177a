/** Development-only test support: run the SAM template's functions locally against an emulator. */
package org.pcohandshake.testkit;
