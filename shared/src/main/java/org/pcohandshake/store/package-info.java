/** The single DynamoDB table: keys, item helpers and failure classification. */
package org.pcohandshake.store;
