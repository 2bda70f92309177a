/** The revocation Lambda function (RFC 7009): a thin adapter over the shared module. */
package org.pcohandshake.fn.revoke;
