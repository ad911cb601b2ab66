/**
 * End-to-end figures over loopback: stations capturing, spooling and uploading to the real mock registry over
 * mutual TLS ({@link dev.codebound.bench.e2e.EndToEndSuite}) beside a trivial sink as the ceiling
 * ({@link dev.codebound.bench.e2e.Sink}), and the cost of resuming an upload after a connection reset
 * ({@link dev.codebound.bench.e2e.ResumeSuite}, through {@link dev.codebound.bench.e2e.KillingProxy}).
 */
package dev.codebound.bench.e2e;
