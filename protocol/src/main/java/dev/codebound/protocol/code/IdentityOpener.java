package dev.codebound.protocol.code;

import dev.codebound.protocol.code.CodeException.Reason;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * The registry side: recovers the student identity sealed inside a verified collection code, with
 * the registry's P-256 encryption key (suite 1 codes) or its SM2 encryption key (suite 2 codes).
 */
public final class IdentityOpener {
    private final KeyedCertificate encryption;

    /** @param encryption the registry's encryption key and certificate of the codes' suite */
    public IdentityOpener(KeyedCertificate encryption) {
        this.encryption = encryption;
    }

    /**
     * Opens the sealed identity. Call only on a {@link VerifiedCode}, so that the identity is never
     * read from a forged code.
     *
     * @throws CodeException UNKNOWN_KEY when sealed to another key, MALFORMED when it does not decrypt
     */
    public StudentIdentity open(VerifiedCode verified) throws CodeException {
        CollectionCode code = verified.code();
        byte[] keyId = code.encryptionKeyId();
        if (!Arrays.equals(keyId, encryption.keyId())) {
            throw new CodeException(Reason.UNKNOWN_KEY, "code " + code.codeId() + " is sealed to encryption key "
                    + HexFormat.of().formatHex(keyId) + ", not to " + KeyPairs.keyIdHex(
                            encryption.certificate().getPublicKey()));
        }
        byte[] plaintext;
        try {
            plaintext = code.suite() == CollectionCode.SUITE_SM2
                    ? Sm2IdentitySeal.open(encryption.privateKey(), code.keyMaterial(), code.sealedIdentity(),
                            code.identityAdditionalData())
                    : IdentitySeal.open(encryption.privateKey(), keyId, code.keyMaterial(), code.sealedIdentity(),
                            code.identityAdditionalData());
        } catch (GeneralSecurityException | InvalidCipherTextException e) {
            throw new CodeException(Reason.MALFORMED, "the sealed identity of code " + code.codeId()
                    + " does not decrypt", e);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(plaintext);
            String studentNumber = field(in);
            String name = field(in);
            String idNumber = field(in);
            if (in.hasRemaining()) {
                throw new CodeException(Reason.MALFORMED, "the sealed identity of code " + code.codeId()
                        + " has trailing bytes");
            }
            return new StudentIdentity(studentNumber, name, idNumber);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new CodeException(Reason.MALFORMED, "the sealed identity of code " + code.codeId()
                    + " is not a valid identity record", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static String field(ByteBuffer in) {
        byte[] bytes = new byte[Byte.toUnsignedInt(in.get())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
