/** HTTP adapters: API Gateway v2 events to requests and back, pages, cookies, headers. */
package org.pcohandshake.http;
