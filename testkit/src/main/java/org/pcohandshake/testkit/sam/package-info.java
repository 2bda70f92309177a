/** Reads a SAM template (with CloudFormation short tags) into parameters, resources, functions, routes. */
package org.pcohandshake.testkit.sam;
