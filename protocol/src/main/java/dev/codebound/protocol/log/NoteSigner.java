package dev.codebound.protocol.log;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.List;

/** Signs note texts with an ECDSA P-256 key as signed-note signature type 0x02 (see {@link NoteVerifier}). */
public final class NoteSigner {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey privateKey;
    private final NoteVerifier verifier;

    /**
     * A signer for the key pair under {@code keyName}; for a log's checkpoints the key name should
     * be the log's origin.
     *
     * @throws PkiException if the key is not P-256 or the private key does not match the public key
     */
    public NoteSigner(String keyName, PrivateKey privateKey, PublicKey publicKey) {
        KeyPairs.requireP256(publicKey, "checkpoint signing");
        Signatures.requireMatchingPair(privateKey, publicKey, "checkpoint signing");
        this.privateKey = privateKey;
        this.verifier = new NoteVerifier(keyName, publicKey);
    }

    /** The verifier for this signer's key, to publish as its verifier key string. */
    public NoteVerifier verifier() {
        return verifier;
    }

    /** Signs {@code text} (which must end with a newline) and returns its signature line. */
    public NoteSignature sign(String text) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end with a newline");
        }
        try {
            Signature signature = Signature.getInstance(NoteVerifier.SIGNATURE_ALGORITHM, Providers.p256());
            signature.initSign(privateKey, RANDOM);
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return new NoteSignature(verifier.keyName(), verifier.keyId(), signature.sign());
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot sign a note: " + e.getMessage(), e);
        }
    }

    /** Signs {@code text} and returns the complete signed note. */
    public String signNote(String text) {
        return new SignedNote(text, List.of(sign(text))).format();
    }
}
