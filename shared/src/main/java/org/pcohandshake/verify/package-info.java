/** Resource-server side: verifying our access tokens (signature, type, claims, revocation). */
package org.pcohandshake.verify;
