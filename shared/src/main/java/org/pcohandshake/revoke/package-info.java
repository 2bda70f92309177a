/** Token revocation (RFC 7009): a refresh or access token revokes its whole grant. */
package org.pcohandshake.revoke;
