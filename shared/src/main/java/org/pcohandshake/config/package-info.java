/**
 * Configuration: one record read once from the environment, its settings grouped per feature, and
 * the sealed settings whose requirements depend on another ({@link PcoTokenMode}, {@link
 * LoginKeySource}).
 */
package org.pcohandshake.config;
