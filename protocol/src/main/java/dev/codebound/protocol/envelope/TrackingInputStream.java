package dev.codebound.protocol.envelope;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Remembers whether the underlying stream has ended, so that a parse failure can be reported as
 * {@link EnvelopeException.Reason#TRUNCATED} (the input ran out) rather than
 * {@link EnvelopeException.Reason#MALFORMED} (the input is wrong).
 */
final class TrackingInputStream extends FilterInputStream {
    private boolean ended;

    TrackingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        ended |= b < 0;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        ended |= n < 0;
        return n;
    }

    boolean ended() {
        return ended;
    }

    /** The structural failure {@code cause} amounts to, given how far the input got. */
    EnvelopeException structuralFailure(String where, Exception cause) {
        if (ended || cause instanceof java.io.EOFException) {
            return new EnvelopeException(EnvelopeException.Reason.TRUNCATED, "the envelope ends early (in "
                    + where + "): the upload or copy is incomplete; transfer the whole file again", cause);
        }
        return new EnvelopeException(EnvelopeException.Reason.MALFORMED, "the envelope is not a Codebound CMS "
                + "envelope (" + where + ": " + cause.getMessage() + "); check that the right file was sent", cause);
    }
}
