/** A real OpenID Provider over HTTP, with a way to substitute forged ID tokens. */
package org.pcohandshake.testkit.oidc;
