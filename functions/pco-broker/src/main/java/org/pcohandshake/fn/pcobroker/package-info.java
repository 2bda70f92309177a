/** The PCO token broker Lambda function: a thin adapter over the shared module. */
package org.pcohandshake.fn.pcobroker;
