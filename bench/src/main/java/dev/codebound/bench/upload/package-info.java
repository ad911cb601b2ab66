/**
 * The station's upload in one running process ({@code codebound-bench.jar upload}), as {@code serve}'s upload
 * scheduler runs it: the fixed cost of a run and the marginal cost of a photo, the station's and the registry's
 * CPU apart, each with its JIT compilers' share.
 */
package dev.codebound.bench.upload;
