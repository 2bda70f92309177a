/** The discovery Lambda function: server metadata and the JWKS, a thin adapter over shared. */
package org.pcohandshake.fn.discovery;
