/** Configuration: one record read once from the environment. */
package org.pcohandshake.config;
