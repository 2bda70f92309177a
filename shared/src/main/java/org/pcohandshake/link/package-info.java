/** Linking the two legs: the PCO identity from step 2, remembered for the grant at step 4b. */
package org.pcohandshake.link;
