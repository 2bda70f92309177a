/**
 * Picks and starts the AWS emulator (an endpoint in AWS_ENDPOINT_URL, moto, or LocalStack through
 * Testcontainers) and provisions the template's tables, keys and secrets in it.
 */
package org.pcohandshake.testkit.aws;
