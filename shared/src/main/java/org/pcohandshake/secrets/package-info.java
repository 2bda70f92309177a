/** Secrets Manager values, cached for a bounded time, current and previous versions. */
package org.pcohandshake.secrets;
