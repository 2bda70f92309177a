/** SnapStart priming: exercising the request path before the snapshot, without side effects. */
package org.pcohandshake.snapstart;
