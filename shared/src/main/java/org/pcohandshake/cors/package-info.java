/** CORS for resource servers called from Planning Center's web pages and workers. */
package org.pcohandshake.cors;
