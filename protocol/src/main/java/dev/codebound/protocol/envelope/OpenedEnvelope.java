package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;

/**
 * An envelope that passed every check: its binding, the station certificate that signed it, and the
 * photo. The photo lives in memory or in a private temporary file until {@link #close()}, which
 * deletes it; use try-with-resources.
 */
public final class OpenedEnvelope implements AutoCloseable {
    private final Binding binding;
    private final X509Certificate signer;
    private final PlaintextBuffer photo;
    private boolean closed;

    OpenedEnvelope(Binding binding, X509Certificate signer, PlaintextBuffer photo) {
        this.binding = binding;
        this.signer = signer;
        this.photo = photo;
    }

    /** The verified binding (identical in both layers). */
    public Binding binding() {
        return binding;
    }

    /** The station certificate that signed the envelope; its CN is {@code binding().stationId()}. */
    public X509Certificate signerCertificate() {
        return signer;
    }

    /** The photo's length in bytes. */
    public long photoLength() {
        return photo.size();
    }

    /** A new stream over the photo bytes; may be called more than once before {@link #close()}. */
    public InputStream openPhoto() throws IOException {
        if (closed) {
            throw new IllegalStateException("the opened envelope is closed");
        }
        return photo.openStream();
    }

    /** Copies the photo to {@code out} (which is not closed). */
    public void copyTo(OutputStream out) throws IOException {
        try (InputStream in = openPhoto()) {
            in.transferTo(out);
        }
    }

    /** Deletes the photo's temporary file, if it has one. */
    @Override
    public void close() throws IOException {
        closed = true;
        photo.close();
    }
}
