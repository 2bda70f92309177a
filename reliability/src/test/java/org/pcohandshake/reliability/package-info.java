/**
 * The whole handshake through every function's handler against the emulator and the PCO simulator:
 * the fault matrix, bad input at scale, and the log scan. Tests only; never deployed.
 */
package org.pcohandshake.reliability;
