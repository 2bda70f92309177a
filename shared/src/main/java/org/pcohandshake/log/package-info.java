/** Structured JSON logging with request ids and no secrets. */
package org.pcohandshake.log;
