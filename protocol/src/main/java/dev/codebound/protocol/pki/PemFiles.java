package dev.codebound.protocol.pki;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * PEM encoding of certificates, certification requests and private keys. Private keys are PKCS#8,
 * encrypted with a passphrase (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) when one is given, and are
 * always written atomically with owner-only permissions.
 */
public final class PemFiles {
    /** PBKDF2 iterations for passphrase-protected keys: slow for a guesser, fast enough at startup. */
    static final int PBKDF2_ITERATIONS = 600_000;

    private PemFiles() {}

    /** PEM text of one or more certificates, in order. */
    public static String certificatesToPem(List<X509Certificate> certificates) {
        return toPem(certificates.toArray());
    }

    /** Parses every certificate in PEM text; fails if there is none or anything else is present. */
    public static List<X509Certificate> certificatesFromPem(String pem, String source) {
        List<X509Certificate> result = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter()
                    .setProvider(Providers.ellipticCurve());
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new PkiException(source + ": expected only CERTIFICATE blocks, found "
                            + object.getClass().getSimpleName());
                }
                X509Certificate certificate = converter.getCertificate(holder);
                PublicKey key;
                try {
                    // Bouncy Castle decodes the key only when asked, and then throws unchecked: ask now.
                    key = certificate.getPublicKey();
                } catch (RuntimeException e) {
                    throw new PkiException(source + ": certificate " + certificate.getSubjectX500Principal()
                            + " carries a malformed public key: " + e.getMessage(), e);
                }
                if (key == null) {
                    // Bouncy Castle answers null, not an exception, for a key of an algorithm it cannot build.
                    throw new PkiException(source + ": certificate " + certificate.getSubjectX500Principal()
                            + " carries a malformed public key: its algorithm ("
                            + holder.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm() + ") cannot be read");
                }
                result.add(certificate);
            }
        } catch (IOException | CertificateException e) {
            throw new PkiException(source + ": not valid PEM certificate data: " + e.getMessage(), e);
        }
        if (result.isEmpty()) {
            throw new PkiException(source + ": contains no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return result;
    }

    public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
        writeCertificates(file, certificates, false);
    }

    /**
     * Writes certificates as PEM; {@code ownerOnly} creates the file with mode 0600 (for a directory
     * that is private as a whole, such as the registry's data directory, though certificates are public).
     */
    public static void writeCertificates(Path file, List<X509Certificate> certificates, boolean ownerOnly)
            throws IOException {
        byte[] pem = certificatesToPem(certificates).getBytes(StandardCharsets.US_ASCII);
        DurableFiles.write(file, ownerOnly, out -> out.write(pem));
    }

    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        return certificatesFromPem(readText(file), file.toString());
    }

    /** PEM text of a certification request. */
    public static String requestToPem(PKCS10CertificationRequest request) {
        return toPem(request);
    }

    /** Parses a PEM certification request. */
    public static PKCS10CertificationRequest requestFromPem(String pem, String source) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object instanceof PKCS10CertificationRequest request) {
                return request;
            }
            throw new PkiException(source + ": expected a PEM CERTIFICATE REQUEST block"
                    + (object == null ? ", found none" : ", found " + object.getClass().getSimpleName()));
        } catch (IOException e) {
            throw new PkiException(source + ": not a valid PEM certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * PEM text of a PKCS#8 private key, encrypted under {@code passphrase} unless it is
     * {@code null}.
     */
    public static String privateKeyToPem(PrivateKey key, char[] passphrase) {
        try {
            if (passphrase == null) {
                return toPem(new JcaPKCS8Generator(key, null).generate());
            }
            var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setPRF(org.bouncycastle.openssl.PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(PBKDF2_ITERATIONS)
                    .setProvider(Providers.ellipticCurve())
                    .setPassword(passphrase)
                    .build();
            return toPem(new JcaPKCS8Generator(key, encryptor).generate());
        } catch (OperatorCreationException | org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new PkiException("cannot encode private key: " + e.getMessage(), e);
        }
    }

    /** Writes a private key atomically with owner-only permissions. */
    public static void writePrivateKey(Path file, PrivateKey key, char[] passphrase) throws IOException {
        DurableFiles.writePrivate(file, privateKeyToPem(key, passphrase).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads a private key. An encrypted key needs its passphrase; a wrong or missing passphrase is
     * reported as such, never as a generic parse error.
     */
    public static PrivateKey readPrivateKey(Path file, char[] passphrase) throws IOException {
        return privateKeyFromPem(readText(file), passphrase, file.toString());
    }

    /** Parses a PEM private key (PKCS#8, encrypted PKCS#8 or a traditional EC key). */
    public static PrivateKey privateKeyFromPem(String pem, char[] passphrase, String source) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Providers.ellipticCurve());
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                if (passphrase == null) {
                    throw new PkiException(source + ": the private key is encrypted; supply its passphrase");
                }
                InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                        .setProvider(Providers.ellipticCurve()).build(passphrase);
                if (Providers.isP256Native()) {
                    decryptor = new NativePbes2Decryption(passphrase, decryptor, Providers.bulkCipher());
                }
                try {
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
                } catch (PKCSException e) {
                    throw new PkiException(source + ": wrong passphrase for the encrypted private key", e);
                }
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new PkiException(source + ": expected a PEM PRIVATE KEY block"
                    + (object == null ? ", found none" : ", found " + object.getClass().getSimpleName()));
        } catch (IOException | OperatorCreationException e) {
            throw new PkiException(source + ": unreadable private key: " + e.getMessage(), e);
        }
    }

    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file does not exist");
        }
    }

    private static String toPem(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new PkiException("cannot PEM-encode " + objects[0].getClass().getSimpleName(), e);
        }
        return text.toString();
    }
}
