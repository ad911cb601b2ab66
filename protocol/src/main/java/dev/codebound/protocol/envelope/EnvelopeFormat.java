package dev.codebound.protocol.envelope;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** Constants of the envelope format that do not depend on the algorithm suite. */
final class EnvelopeFormat {
    /**
     * Codebound's private OID arc: a UUID-derived OID (ITU-T X.667, arc 2.25), which needs no
     * registration and cannot collide with anyone else's, for UUID bec96bb5-fbca-4a2b-966e-77a21de0e3d9.
     */
    static final ASN1ObjectIdentifier CODEBOUND_ARC =
            new ASN1ObjectIdentifier("2.25.253599155503749812755527665760545596377");

    /** The signed attribute carrying the {@link Binding} DER: {@code arc.1.1} (envelope, binding). */
    static final ASN1ObjectIdentifier BINDING_ATTRIBUTE = CODEBOUND_ARC.branch("1.1");

    /** The first bytes of the decrypted content; the binding and the photo follow. */
    static final byte[] MAGIC = "CBENVL1\n".getBytes(StandardCharsets.US_ASCII);

    /** Size of the 32-bit big-endian binding length that follows {@link #MAGIC}. */
    static final int LENGTH_FIELD = 4;

    /** Chunk size for hashing and encryption: large enough for the JDK's intrinsics to shine. */
    static final int CHUNK = 64 * 1024;

    private EnvelopeFormat() {}
}
