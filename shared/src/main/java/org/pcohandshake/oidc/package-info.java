/** OpenID Connect login: this stack as a relying party of the integrator's identity provider. */
package org.pcohandshake.oidc;
