/**
 * The registry's HTTP server on Netty, without any registry logic: each connection's pipeline
 * ({@link dev.codebound.server.http.ServerPipeline}: connection limit, TLS, codec, client timeouts,
 * dispatcher), routing by method and path template ({@link dev.codebound.server.http.Router}, no decoding or
 * normalisation), access control per route ({@link dev.codebound.server.http.Access},
 * {@link dev.codebound.server.http.AdminGuard}, {@link dev.codebound.server.http.StationAuthenticator}),
 * and the handler contract ({@link dev.codebound.server.http.RequestHandler}: a fresh handler per request,
 * bodies streamed in pieces, never aggregated). Every error is an RFC 9457 problem
 * ({@link dev.codebound.server.http.Responses}).
 *
 * <p>Handlers run on the connection's event loop and must not block it: disk and crypto work go to an
 * executor ({@link dev.codebound.server.http.SmallBodyHandler} for small bodies). Logs, metrics and journals
 * see route templates, never raw paths.
 */
package dev.codebound.server.http;
