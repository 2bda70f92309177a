/** The local stack: the whole two-way handshake on one machine ({@code make run}). */
package org.pcohandshake.local;
