/** AWS SDK clients built once with explicit, fast settings. */
package org.pcohandshake.aws;
