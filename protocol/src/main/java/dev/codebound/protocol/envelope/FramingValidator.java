package dev.codebound.protocol.envelope;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Checks the BER framing of the whole envelope as it streams past Bouncy Castle's parsers, which are
 * lenient where we want to be strict: they skip elements they do not expect and stop reading once
 * they have what they need. This stream requires exactly one well-formed top-level element and
 * nothing after it; tags in low-tag-number form; lengths in their shortest form; indefinite lengths
 * only on constructed elements; end-of-contents only where an indefinite length ends; no definite
 * length above {@link #MAX_DEFINITE_LENGTH}. Together with
 * the signature this leaves no byte of an envelope that can change without the envelope being
 * refused.
 *
 * <p>It also remembers whether the input ended early, so a parse failure can be reported as
 * {@link EnvelopeException.Reason#TRUNCATED} rather than {@link EnvelopeException.Reason#MALFORMED}.
 */
final class FramingValidator extends FilterInputStream {
    private static final int MAX_DEPTH = 64;
    /**
     * Bouncy Castle loads definite-length structures (certificates, signer and recipient infos)
     * whole, so a hostile envelope could make it allocate as much as it declares. Our encoder's
     * largest definite-length element is a 64 KiB content chunk.
     */
    static final long MAX_DEFINITE_LENGTH = 1 << 20;
    private static final long INDEFINITE = -1;

    private enum State { TAG, LENGTH_FIRST, LENGTH_MORE, CONTENT, DONE }

    /** An open constructed element: the input position where its content ends, or INDEFINITE. */
    private record Frame(long end) {}

    private final Deque<Frame> open = new ArrayDeque<>();
    private final byte[] oneByte = new byte[1];
    private State state = State.TAG;
    private int tag;
    private int lengthBytesLeft;
    private long length;
    private long contentEnd;
    private long position;
    private boolean ended;
    private String problem;
    private IOException inputFailure;

    FramingValidator(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = readInput(() -> super.read());
        if (b < 0) {
            ended = true;
        } else {
            oneByte[0] = (byte) b;
            consume(oneByte, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        int n = readInput(() -> super.read(buffer, offset, count));
        if (n < 0) {
            ended = true;
        } else {
            consume(buffer, offset, n);
        }
        return n;
    }

    private interface Read {
        int read() throws IOException;
    }

    /** Reads from the input, remembering a failure of the input itself (as opposed to its content). */
    private int readInput(Read read) throws IOException {
        try {
            return read.read();
        } catch (IOException e) {
            inputFailure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, EnvelopeFormat.CHUNK)];
        int read = read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void consume(byte[] bytes, int offset, int count) throws IOException {
        int i = offset;
        int end = offset + count;
        while (i < end) {
            switch (state) {
                case CONTENT -> {
                    int take = (int) Math.min(contentEnd - position, end - i);
                    i += take;
                    position += take;
                    if (position == contentEnd) {
                        elementEnded();
                    }
                }
                case TAG -> onTag(bytes[i++] & 0xff);
                case LENGTH_FIRST -> onLengthFirst(bytes[i++] & 0xff);
                case LENGTH_MORE -> onLengthMore(bytes[i++] & 0xff);
                case DONE -> fail("bytes follow the end of the envelope");
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    private void onTag(int b) throws IOException {
        if ((b & 0x1f) == 0x1f) {
            fail("high-tag-number form is not used in envelopes");
        }
        tag = b;
        countHeaderByte();
        state = State.LENGTH_FIRST;
    }

    private void onLengthFirst(int b) throws IOException {
        countHeaderByte();
        if (b == 0x80) {
            if ((tag & 0x20) == 0) {
                fail("indefinite length on a primitive element");
            }
            startElement(INDEFINITE);
        } else if (b > 0x80) {
            lengthBytesLeft = b & 0x7f;
            if (lengthBytesLeft > 7) {
                fail("a length of " + lengthBytesLeft + " bytes");
            }
            length = 0;
            state = State.LENGTH_MORE;
        } else {
            startElement(b);
        }
    }

    private void onLengthMore(int b) throws IOException {
        countHeaderByte();
        if (length == 0 && b == 0) {
            fail("a length with leading zero bytes");
        }
        length = (length << 8) | b;
        if (--lengthBytesLeft == 0) {
            if (length < 0x80) {
                fail("a long-form length below 128");
            }
            startElement(length);
        }
    }

    private void startElement(long contentLength) throws IOException {
        if (contentLength > MAX_DEFINITE_LENGTH) {
            fail("an element of " + contentLength + " bytes (the limit is " + MAX_DEFINITE_LENGTH + ")");
        }
        if (tag == 0) {
            endOfContents(contentLength);
            return;
        }
        long elementEnd = contentLength == INDEFINITE ? INDEFINITE : position + contentLength;
        if (elementEnd != INDEFINITE && !open.isEmpty() && open.peek().end() != INDEFINITE
                && elementEnd > open.peek().end()) {
            fail("an element longer than the element containing it");
        }
        if (contentLength == 0) {
            elementEnded();
        } else if ((tag & 0x20) != 0) {
            if (open.size() >= MAX_DEPTH) {
                fail("nesting deeper than " + MAX_DEPTH);
            }
            open.push(new Frame(elementEnd));
            state = State.TAG;
        } else {
            contentEnd = elementEnd;
            state = State.CONTENT;
        }
    }

    private void endOfContents(long contentLength) throws IOException {
        if (contentLength != 0 || open.isEmpty() || open.peek().end() != INDEFINITE) {
            fail("an end-of-contents marker where no indefinite length ends");
        }
        open.pop();
        elementEnded();
    }

    /** Counts a header byte, which must lie inside the enclosing definite-length element. */
    private void countHeaderByte() throws IOException {
        position++;
        Frame parent = open.peek();
        if (parent != null && parent.end() != INDEFINITE && position > parent.end()) {
            fail("an element overruns the element containing it");
        }
    }

    /** An element has ended: close the definite-length elements that end with it. */
    private void elementEnded() {
        while (!open.isEmpty() && open.peek().end() == position) {
            open.pop();
        }
        state = open.isEmpty() ? State.DONE : State.TAG;
    }

    private void fail(String detail) throws IOException {
        if (problem == null) {
            problem = detail;
        }
        throw new IOException("invalid envelope framing: " + detail);
    }

    /** Fails unless exactly one complete element was read and nothing follows it. */
    void requireComplete() throws EnvelopeException {
        if (problem != null) {
            throw malformed(problem, null);
        }
        try {
            if (state != State.DONE || read() >= 0) {
                if (problem != null) {
                    throw malformed(problem, null);
                }
                throw truncated("the end of the envelope", null);
            }
        } catch (IOException e) {
            throw problem != null ? malformed(problem, e) : truncated("the end of the envelope", e);
        }
    }

    /**
     * The structural failure {@code cause} amounts to, given what the framing check saw.
     *
     * @throws IOException if the cause is that the input itself could not be read
     */
    EnvelopeException structuralFailure(String where, Exception cause) throws IOException {
        if (inputFailure != null) {
            throw new IOException("reading the envelope failed: " + inputFailure.getMessage(), inputFailure);
        }
        if (problem != null) {
            return malformed(problem, cause);
        }
        if (ended || cause instanceof EOFException) {
            return truncated(where, cause);
        }
        return malformed(where + ": " + cause.getMessage(), cause);
    }

    private static EnvelopeException truncated(String where, Exception cause) {
        return new EnvelopeException(EnvelopeException.Reason.TRUNCATED, "the envelope ends early (in " + where
                + "): the upload or copy is incomplete; transfer the whole file again", cause);
    }

    private static EnvelopeException malformed(String detail, Exception cause) {
        return new EnvelopeException(EnvelopeException.Reason.MALFORMED, "the envelope is not a Codebound CMS "
                + "envelope (" + detail + "); check that the right file was sent", cause);
    }
}
