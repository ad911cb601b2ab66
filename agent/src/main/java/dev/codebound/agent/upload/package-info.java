/**
 * The agent's upload engine: a tus 1.0.0 client on OkHttp that drives spooled envelopes to the
 * registry and survives any interruption without losing or duplicating a photo.
 *
 * <p>{@link dev.codebound.agent.upload.Uploader} is the entry point; it is configured by an
 * immutable {@link dev.codebound.agent.upload.UploadConfig} and uses small single-purpose parts:
 * {@link dev.codebound.agent.upload.RetryPolicy} (exponential backoff with full jitter),
 * {@link dev.codebound.agent.upload.RetryAfter}, {@link dev.codebound.agent.upload.UploadWindow},
 * {@link dev.codebound.agent.upload.RateLimiter}, {@link dev.codebound.agent.upload.ProgressListener}
 * and {@link dev.codebound.agent.upload.MutualTls} for the client certificate and the registry as
 * sole trust anchor.
 *
 * <h2>Which write precedes which network step</h2>
 * <ol>
 *   <li>POST (create) → the upload URL is written (CREATED) before the first PATCH.</li>
 *   <li>HEAD (resume) → the server's offset is written if it differs from ours (the server's word
 *       wins, ahead or behind).</li>
 *   <li>PATCH (one chunk) → the acknowledged offset is written (IN_FLIGHT) before the next chunk,
 *       so at most the one unacknowledged chunk is ever sent twice.</li>
 *   <li>GET result → the receipt or problem is written, then the entry is marked DELIVERED or
 *       REJECTED.</li>
 * </ol>
 *
 * <p>The one window no client can close is a crash after the server created an upload but before
 * its URL was written. The next run then creates a second upload for the same envelope. That is
 * harmless by design: the registry keys acceptance on the envelope's SHA-256
 * ({@code envelope-sha256} metadata), so the second upload yields the same receipt and the photo
 * is accepted once; the orphaned first upload expires ({@code Upload-Expires}). For envelopes sent
 * with creation-with-upload the orphan also carries data, at most one small envelope.
 */
package dev.codebound.agent.upload;
