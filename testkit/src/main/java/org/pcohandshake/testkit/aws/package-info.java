/** Starts the AWS emulator (moto) and provisions the template's tables, keys and secrets in it. */
package org.pcohandshake.testkit.aws;
