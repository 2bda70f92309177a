/** Random secrets, hashes, PKCE and KMS-backed JWS signing. */
package org.pcohandshake.crypto;
