/** CloudWatch metrics as embedded metric format (EMF) lines on stdout, one per event. */
package org.pcohandshake.metrics;
