/**
 * Microbenchmarks (JMH): sealing and opening whole envelopes beside the primitives they are made of (AES-GCM,
 * SHA-256, ECDSA, ECDH), each envelope operation related to its primitives
 * ({@link dev.codebound.bench.micro.MicroSuite}), and which provider to use for P-256 on this JDK.
 */
package dev.codebound.bench.micro;
