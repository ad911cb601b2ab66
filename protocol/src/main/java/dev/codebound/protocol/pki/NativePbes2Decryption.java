package dev.codebound.protocol.pki;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.InputDecryptor;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Opens the station key's encryption, PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (what
 * {@link PemFiles} writes), with HMAC-SHA256 and AES from {@link Providers#bulkCipher()}'s engine;
 * any other scheme goes to {@code fallback}, Bouncy Castle's decryptor.
 *
 * <p>Why: the key's 600,000 PBKDF2 iterations are the first thing every agent command does, and
 * Bouncy Castle's PBKDF2 is plain Java, 0.6&ndash;0.7 CPU-seconds at the station launcher's first
 * JIT tier, a fifth of an upload run's fixed cost; with BoringSSL's HMAC it is 0.18. The iterations
 * stay what they are: only the engine computing them changes. PBKDF2 (RFC 8018, section 5.2) is a
 * loop over the PRF, written out here because no JCA provider we ship offers it natively.
 */
final class NativePbes2Decryption implements InputDecryptorProvider {
    private static final int AES_256_KEY_BYTES = 32;
    private static final int HMAC_SHA256_BYTES = 32;

    private final char[] passphrase;
    private final InputDecryptorProvider fallback;
    private final Provider engine;

    NativePbes2Decryption(char[] passphrase, InputDecryptorProvider fallback, Provider engine) {
        this.passphrase = passphrase;
        this.fallback = fallback;
        this.engine = engine;
    }

    @Override
    public InputDecryptor get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
        Scheme scheme = Scheme.of(algorithm);
        if (scheme == null || passphrase.length == 0) {
            // HMAC keys cannot be empty in the JCA; Bouncy Castle takes an empty passphrase as it is.
            return fallback.get(algorithm);
        }
        byte[] key = null;
        try {
            key = pbkdf2HmacSha256(scheme.salt(), scheme.iterations());
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding", engine);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(scheme.iv()));
            return new InputDecryptor() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return algorithm;
                }

                @Override
                public InputStream getInputStream(InputStream encrypted) {
                    return new CipherInputStream(encrypted, cipher);
                }
            };
        } catch (GeneralSecurityException e) {
            throw new OperatorCreationException("cannot set up the key's decryption: " + e.getMessage(), e);
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** The first 32 bytes of PBKDF2-HMAC-SHA256: one block, T_1 = U_1 xor ... xor U_c. */
    private byte[] pbkdf2HmacSha256(byte[] salt, int iterations) throws GeneralSecurityException {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] passwordBytes = new byte[encoded.remaining()];
        encoded.get(passwordBytes);
        Arrays.fill(encoded.array(), (byte) 0);
        Mac prf = Mac.getInstance("HmacSHA256", engine);
        try {
            prf.init(new SecretKeySpec(passwordBytes, "HmacSHA256"));
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
        prf.update(salt);
        prf.update(new byte[] {0, 0, 0, 1});
        byte[] u = prf.doFinal();
        byte[] t = u.clone();
        for (int i = 1; i < iterations; i++) {
            prf.update(u);
            prf.doFinal(u, 0);
            for (int j = 0; j < HMAC_SHA256_BYTES; j++) {
                t[j] ^= u[j];
            }
        }
        Arrays.fill(u, (byte) 0);
        return t;
    }

    /** The parameters of PBES2 with PBKDF2-HMAC-SHA256 (a 256-bit key) and AES-256-CBC; null for anything else. */
    private record Scheme(byte[] salt, int iterations, byte[] iv) {
        static Scheme of(AlgorithmIdentifier algorithm) {
            try {
                if (!PKCSObjectIdentifiers.id_PBES2.equals(algorithm.getAlgorithm())) {
                    return null;
                }
                PBES2Parameters pbes2 = PBES2Parameters.getInstance(algorithm.getParameters());
                if (!PKCSObjectIdentifiers.id_PBKDF2.equals(pbes2.getKeyDerivationFunc().getAlgorithm())
                        || !NISTObjectIdentifiers.id_aes256_CBC.equals(pbes2.getEncryptionScheme().getAlgorithm())) {
                    return null;
                }
                PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
                AlgorithmIdentifier prf = kdf.getPrf();
                boolean hmacSha256 = PKCSObjectIdentifiers.id_hmacWithSHA256.equals(prf.getAlgorithm())
                        && (prf.getParameters() == null || DERNull.INSTANCE.equals(prf.getParameters()));
                boolean keyLength = kdf.getKeyLength() == null || kdf.getKeyLength().intValue() == AES_256_KEY_BYTES;
                int iterations = kdf.getIterationCount().intValueExact();
                byte[] iv = ASN1OctetString.getInstance(pbes2.getEncryptionScheme().getParameters()).getOctets();
                if (!hmacSha256 || !keyLength || iterations < 1 || iv.length != 16) {
                    return null;
                }
                return new Scheme(kdf.getSalt(), iterations, iv);
            } catch (IllegalArgumentException | ArithmeticException | NullPointerException e) {
                // Malformed parameters: Bouncy Castle's decryptor gives its own error for them.
                return null;
            }
        }
    }
}
