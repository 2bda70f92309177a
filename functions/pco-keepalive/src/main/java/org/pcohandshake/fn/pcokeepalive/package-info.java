/**
 * The scheduled PCO connection keep-alive Lambda function: a thin adapter over the shared module.
 */
package org.pcohandshake.fn.pcokeepalive;
