/**
 * The mock national registry as a whole: {@link dev.codebound.server.MockRegistry} starts one (tus uploads,
 * enrollment, codes, admin API and admin page on one port, plain HTTP or TLS) over a data directory and
 * stops it gracefully or, for recovery tests, abruptly; a new instance over the same data directory resumes
 * where the last one stopped. {@link dev.codebound.server.MockRegistryConfig} is everything it needs,
 * {@link dev.codebound.server.MockRegistryMain} the {@code java -jar} shell (exit codes 0, 1, 2),
 * {@link dev.codebound.server.ServerKeys} the key material under the data directory and
 * {@link dev.codebound.server.TlsEngine} the choice between BoringSSL and the JDK's TLS.
 *
 * <p>This package wires the others together; registry logic lives in {@code registry}, {@code upload} and
 * {@code transparency}, HTTP plumbing in {@code http}. It must not hold state of its own beyond the running
 * server's parts.
 */
package dev.codebound.server;
