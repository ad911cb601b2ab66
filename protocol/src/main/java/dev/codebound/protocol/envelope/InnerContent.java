package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The plaintext inside the encrypted layer: {@link EnvelopeFormat#MAGIC} (8 bytes), the binding's
 * DER length (4 bytes, big-endian), the binding DER, then the photo bytes to the end. GCM
 * authenticates all of it, so the binding is authenticated by the content key as well as by the
 * station's signature.
 */
final class InnerContent {
    private InnerContent() {}

    /** The inner content's length: the header for a binding of {@code bindingLength} bytes, then the photo. */
    static long length(int bindingLength, long photoLength) {
        return EnvelopeFormat.MAGIC.length + EnvelopeFormat.LENGTH_FIELD + bindingLength + photoLength;
    }

    /** Writes the header that precedes the photo bytes. */
    static void writeHeader(OutputStream out, byte[] bindingDer) throws IOException {
        out.write(EnvelopeFormat.MAGIC);
        out.write(ByteBuffer.allocate(EnvelopeFormat.LENGTH_FIELD).putInt(bindingDer.length).array());
        out.write(bindingDer);
    }
}
