/**
 * The cold-start benchmark: fresh JVMs under the Lambda Runtime Interface Client, a local Runtime
 * API, the AWS emulator, and the report.
 */
package org.pcohandshake.bench;
