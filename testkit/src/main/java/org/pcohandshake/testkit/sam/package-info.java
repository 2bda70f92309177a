/** Reads a SAM template, short tags included: parameters, resources, functions, routes. */
package org.pcohandshake.testkit.sam;
