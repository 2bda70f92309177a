/** The example API function: the template an integrator copies for its own endpoints. */
package org.pcohandshake.fn.exampleapi;
