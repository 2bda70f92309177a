/** The integrator user's session: the login bridge's token and the session cookie. */
package org.pcohandshake.session;
