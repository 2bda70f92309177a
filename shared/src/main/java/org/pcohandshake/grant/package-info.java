/** Authorization codes, grants (token families) and rotating refresh tokens in the table. */
package org.pcohandshake.grant;
