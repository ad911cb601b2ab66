/**
 * Small in-memory caches of answers that depend only on exact bytes (a certificate's parse, a
 * signature that verified), so that what is seen again on every envelope or code costs a lookup.
 * What can change (revocation, validity at a time) is never cached; the callers check it every time.
 */
package dev.codebound.protocol.cache;
