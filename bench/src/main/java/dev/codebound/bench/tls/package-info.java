/** What TLS costs the registry's side of an upload, per TLS engine (JDK or BoringSSL). */
package dev.codebound.bench.tls;
