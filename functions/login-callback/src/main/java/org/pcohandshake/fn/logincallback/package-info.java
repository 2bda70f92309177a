/** The login-callback Lambda function: a thin adapter over the shared module. */
package org.pcohandshake.fn.logincallback;
