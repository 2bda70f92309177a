/** Discovery: RFC 8414 server metadata and the JWKS built from the KMS signing keys. */
package org.pcohandshake.discovery;
