/** Planning Center as OAuth provider: its client, the encrypted token vault, and step 2. */
package org.pcohandshake.pco;
