/** The authorization endpoint: request validation, login bridge, consent, code issuance. */
package org.pcohandshake.authorize;
