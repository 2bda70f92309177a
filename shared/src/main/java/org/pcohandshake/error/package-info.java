/** The one catalog of errors: OAuth codes, statuses and fixed, input-free text. */
package org.pcohandshake.error;
