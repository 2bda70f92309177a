/**
 * A small JSON reader and writer for the hot path: no reflection, no mapper, nothing to warm up.
 */
package org.pcohandshake.json;
