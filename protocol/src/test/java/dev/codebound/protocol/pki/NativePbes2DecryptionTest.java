package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.Provider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.junit.jupiter.api.Test;

/** The station key's decryption with BoringSSL's HMAC and AES gives exactly what Bouncy Castle's does, or hands over to it. */
class NativePbes2DecryptionTest {
    private static final Provider NATIVE = Providers.choose("native").provider();
    private static final PrivateKey KEY = KeyPairs.generateP256().getPrivate();

    @Test
    void theKeyFileWeWriteOpensToTheSameKeyAsWithBouncyCastle() throws Exception {
        PKCS8EncryptedPrivateKeyInfo written = parse(PemFiles.privateKeyToPem(KEY, "correct horse".toCharArray()));
        assertArrayEquals(KEY.getEncoded(),
                written.decryptPrivateKeyInfo(nativeOrElseBouncyCastle("correct horse")).getEncoded());
    }

    @Test
    void theSchemeOpensAsWithBouncyCastleWhateverThePassphrase() throws Exception {
        // The written scheme with fewer iterations, so that each passphrase costs milliseconds.
        for (String passphrase : new String[] {"密码 pässwörd ✓", "x",
                "a passphrase longer than sixty-four bytes, which HMAC hashes before it keys with it"}) {
            var scheme = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256).setIterationCount(1000)
                    .setProvider(Providers.ellipticCurve()).setPassword(passphrase.toCharArray()).build();
            PKCS8EncryptedPrivateKeyInfo encrypted = parse(toPem(new JcaPKCS8Generator(KEY, scheme).generate()));
            assertArrayEquals(encrypted.decryptPrivateKeyInfo(bouncyCastle(passphrase)).getEncoded(),
                    encrypted.decryptPrivateKeyInfo(nativeOrElseBouncyCastle(passphrase)).getEncoded(), passphrase);
        }
    }

    @Test
    void aKeyFileOfAnotherSchemeIsLeftToBouncyCastle() throws Exception {
        var aes128WithSha1 = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_128_CBC)
                .setIterationCount(1000).setProvider(Providers.ellipticCurve()).setPassword("old".toCharArray()).build();
        PKCS8EncryptedPrivateKeyInfo other = parse(toPem(new JcaPKCS8Generator(KEY, aes128WithSha1).generate()));
        assertArrayEquals(KEY.getEncoded(), other.decryptPrivateKeyInfo(nativeOrElseBouncyCastle("old")).getEncoded());
    }

    @Test
    void aWrongOrEmptyPassphraseFailsAsWithBouncyCastle() throws Exception {
        PKCS8EncryptedPrivateKeyInfo encrypted = parse(PemFiles.privateKeyToPem(KEY, "right".toCharArray()));
        // An empty one goes to Bouncy Castle: the JCA refuses an empty HMAC key.
        for (String wrong : new String[] {"wrong", ""}) {
            assertThrows(PKCSException.class, () -> encrypted.decryptPrivateKeyInfo(nativeOrElseBouncyCastle(wrong)));
            assertThrows(PKCSException.class, () -> encrypted.decryptPrivateKeyInfo(bouncyCastle(wrong)));
        }
    }

    private static InputDecryptorProvider nativeOrElseBouncyCastle(String passphrase) throws Exception {
        return new NativePbes2Decryption(passphrase.toCharArray(), bouncyCastle(passphrase), NATIVE);
    }

    private static InputDecryptorProvider bouncyCastle(String passphrase) throws Exception {
        return new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Providers.ellipticCurve())
                .build(passphrase.toCharArray());
    }

    private static PKCS8EncryptedPrivateKeyInfo parse(String pem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return (PKCS8EncryptedPrivateKeyInfo) parser.readObject();
        }
    }

    private static String toPem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
