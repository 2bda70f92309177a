/** The admin function (invoked with IAM credentials, never on the HTTP API): a thin adapter. */
package org.pcohandshake.fn.grantadmin;
