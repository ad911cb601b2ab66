/**
 * Capture's CPU per photo in one running process ({@code codebound-bench.jar capture}): the fixed cost of a
 * {@code watch --once} run and the marginal cost of a photo, beside JPEG decoding alone.
 */
package dev.codebound.bench.capture;
