/**
 * Node scripts that call the stack the way an integrator's Node backend does, with the AWS SDK for
 * JavaScript: the language-neutral promises checked from another language's real SDK.
 */
package org.pcohandshake.testkit.node;
