package dev.codebound.server.upload;

import java.io.IOException;

/**
 * Decides what happens to an upload once every byte has arrived: the seam where the registry's
 * acceptance (envelope verification, receipts) plugs into the transport.
 *
 * <p>Contract: called on the storage executor, never on an event loop, and never twice at once for
 * the same upload. It may be called more than once for the same upload over the server's life
 * (when a crash struck after the last byte but before the outcome was stored, the server calls it
 * again at startup), so it must be idempotent: the envelope's SHA-256 is the natural key. The bytes
 * are complete and durable; the handler may read them on any thread and may take them over (link,
 * server-side copy) but never changes them. Calls for different uploads run concurrently. An exception (rather than a
 * {@link CompletionOutcome.Rejected}) means the registry itself failed: the upload stays
 * {@link UploadState#AWAITING_OUTCOME} and the client gets a 500, so a later restart retries it.
 */
@FunctionalInterface
public interface CompletionHandler {
    /** Accepts or rejects the complete upload {@code upload} whose bytes are {@code bytes}. */
    CompletionOutcome complete(UploadInfo upload, UploadBytes bytes) throws IOException;
}
