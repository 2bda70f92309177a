/**
 * Functions the integrator's own systems invoke with the AWS SDK they already have ({@code Lambda
 * Invoke}, IAM-authorised, never on the public HTTP API): a small JSON command in, a JSON answer
 * out, the same shape from every such function. {@link org.pcohandshake.invoke.InvokeFunction} is
 * what their handlers extend, as {@link org.pcohandshake.http.HttpFunction} is for the HTTP ones.
 */
package org.pcohandshake.invoke;
