package dev.codebound.protocol.log;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A trusted signed-note key of signature type 0x02, "ECDSA signatures as implemented by
 * github.com/transparency-dev/witness" (c2sp.org/signed-note): ECDSA over NIST P-256 of the
 * SHA-256 of the note text, the signature ASN.1 DER-encoded. For this type the spec defines the key
 * ID as the first four bytes of SHA-256 over the public key's DER SubjectPublicKeyInfo, without the
 * key name and type byte that Ed25519 key IDs include.
 *
 * <p>Verifiers are shared as a verifier key string, {@code <name>+<8 hex digits of key ID>+<base64(0x02
 * || SPKI DER)>}, the form transparency-dev's {@code note.NewECDSAVerifier} reads.
 */
public final class NoteVerifier {
    /** The signed-note signature type byte for ECDSA. */
    public static final byte SIGNATURE_TYPE_ECDSA = 0x02;

    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private final String keyName;
    private final PublicKey publicKey;
    private final int keyId;

    /**
     * A verifier for {@code publicKey} under {@code keyName}.
     *
     * @throws IllegalArgumentException if the name is not a valid key name
     * @throws PkiException             if the key is not an EC P-256 key
     */
    public NoteVerifier(String keyName, PublicKey publicKey) {
        SignedNote.requireKeyName(keyName);
        KeyPairs.requireP256(Objects.requireNonNull(publicKey, "publicKey"), "checkpoint verification");
        this.keyName = keyName;
        this.publicKey = publicKey;
        this.keyId = keyId(publicKey);
    }

    /** Reads a verifier key string (see the class comment), checking its type byte and key ID. */
    public static NoteVerifier fromVerifierKey(String verifierKey) throws CheckpointException {
        String[] parts = verifierKey.split("\\+", 3);
        if (parts.length != 3) {
            throw new CheckpointException("verifier key must be <name>+<key ID>+<key>");
        }
        if (!SignedNote.isValidKeyName(parts[0])) {
            throw new CheckpointException("verifier key has an invalid key name '" + parts[0] + "'");
        }
        if (!parts[1].matches("[0-9a-f]{8}")) {
            throw new CheckpointException("verifier key ID '" + parts[1] + "' is not 8 lower-case hex digits");
        }
        byte[] typed = SignedNote.strictBase64(parts[2], "verifier key");
        if (typed.length < 2 || typed[0] != SIGNATURE_TYPE_ECDSA) {
            throw new CheckpointException("verifier key is not of signature type 0x02 (ECDSA)");
        }
        byte[] spki = Arrays.copyOfRange(typed, 1, typed.length);
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC", Providers.ellipticCurve()).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CheckpointException("verifier key does not hold an EC public key: " + e.getMessage());
        }
        if (!Arrays.equals(key.getEncoded(), spki)) {
            throw new CheckpointException("verifier key is not in canonical form (named curve, uncompressed point)");
        }
        NoteVerifier verifier;
        try {
            verifier = new NoteVerifier(parts[0], key);
        } catch (PkiException e) {
            throw new CheckpointException("verifier key " + e.getMessage());
        }
        if (!HexFormat.of().formatHex(ByteBuffer.allocate(4).putInt(verifier.keyId).array()).equals(parts[1])) {
            throw new CheckpointException("verifier key ID " + parts[1] + " does not match its key, whose ID is "
                    + String.format("%08x", verifier.keyId));
        }
        return verifier;
    }

    /** The key ID of an ECDSA signed-note key: SHA-256(DER SubjectPublicKeyInfo)[:4], big-endian. */
    public static int keyId(PublicKey publicKey) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded())).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** This verifier as a verifier key string. */
    public String verifierKey() {
        byte[] spki = publicKey.getEncoded();
        byte[] typed = new byte[1 + spki.length];
        typed[0] = SIGNATURE_TYPE_ECDSA;
        System.arraycopy(spki, 0, typed, 1, spki.length);
        return keyName + "+" + String.format("%08x", keyId) + "+" + Base64.getEncoder().encodeToString(typed);
    }

    /** The key name, which signature lines must carry. */
    public String keyName() {
        return keyName;
    }

    /** The 32-bit key ID, which signature lines must carry. */
    public int keyId() {
        return keyId;
    }

    /** The P-256 public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** Whether {@code derSignature} is this key's ECDSA signature of SHA-256({@code message}); malformed input is false. */
    public boolean verify(byte[] message, byte[] derSignature) {
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM, Providers.p256());
            signature.initVerify(publicKey);
            signature.update(message);
            return signature.verify(derSignature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "NoteVerifier[" + keyName + "/" + String.format("%08x", keyId) + "]";
    }
}
