/** The admin function: grants listed by user, PCO organization or person; revoked; their status. */
package org.pcohandshake.admin;
