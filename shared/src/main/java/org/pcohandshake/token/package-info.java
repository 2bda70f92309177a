/** The token endpoint: client authentication, code and refresh grants, JWT access tokens. */
package org.pcohandshake.token;
