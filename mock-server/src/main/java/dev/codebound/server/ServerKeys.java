package dev.codebound.server;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The registry's key material in its keys directory ({@code <data-dir>/keys} unless shared by
 * several nodes, {@code --keys}): the keyring (created on
 * first start; SM2 keys added to a keyring from before suite 2), the TLS server certificate for
 * {@code 127.0.0.1} and {@code localhost} issued by the registry CA (re-issued when missing,
 * expiring or from another CA), and, in the data directory, the admin token.
 *
 * <p>The mock stores its keys without a passphrase (owner-only files); a real registry would not.
 */
final class ServerKeys {
    static final String REGISTRY_NAME = "Codebound Mock Registry";
    private static final Duration KEYRING_VALIDITY = Duration.ofDays(3650);
    private static final Duration TLS_VALIDITY = Duration.ofDays(365);
    private static final String TLS_KEY = "tls-server.key.pem";
    private static final String TLS_CERT = "tls-server.cert.pem";
    private static final String ADMIN_TOKEN = "admin-token";
    private static final String CREATION_LOCK = ".creation.lock";

    private final Path keysDir;
    private final RegistryKeyring keyring;
    private final PrivateKey tlsKey;
    private final X509Certificate tlsCertificate;
    private final boolean created;

    private ServerKeys(Path keysDir, RegistryKeyring keyring, PrivateKey tlsKey, X509Certificate tlsCertificate,
            boolean created) {
        this.keysDir = keysDir;
        this.keyring = keyring;
        this.tlsKey = tlsKey;
        this.tlsCertificate = tlsCertificate;
        this.created = created;
    }

    /**
     * Loads the keys in {@code keysDir}, creating whatever is missing. Several nodes may share the
     * directory and start at once: a file lock lets one create the keys while the others wait, so
     * that none reads a half-written keyring or creates a second one. The lock is held only while
     * the node starts.
     */
    static ServerKeys loadOrCreate(Path keysDir, Instant now) throws IOException {
        DurableFiles.createPrivateDirectory(keysDir);
        Path lockFile = keysDir.resolve(CREATION_LOCK);
        if (!Files.exists(lockFile)) {
            try {
                DurableFiles.createPrivateFile(lockFile);
            } catch (FileAlreadyExistsException e) {
                // Another node created it first: the same lock.
            }
        }
        // File locks exclude processes; nodes in one JVM (tests) are excluded by the class's monitor.
        synchronized (ServerKeys.class) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                    FileLock creating = channel.lock()) {
                return loadOrCreateLocked(keysDir, now);
            }
        }
    }

    private static ServerKeys loadOrCreateLocked(Path keysDir, Instant now) throws IOException {
        boolean create = !RegistryKeyring.exists(keysDir);
        RegistryKeyring keyring;
        if (create) {
            keyring = RegistryKeyring.generate(REGISTRY_NAME, now, KEYRING_VALIDITY);
            keyring.store(keysDir, null);
        } else {
            if (!RegistryKeyring.hasSm2Keys(keysDir)) {
                // A data directory from before suite 2: its registry gains SM2 keys once, under the same CA.
                RegistryKeyring.addSm2Keys(keysDir, null);
            }
            keyring = RegistryKeyring.load(keysDir, null);
        }
        X509Certificate ca = keyring.authority().certificate();
        Path keyFile = keysDir.resolve(TLS_KEY);
        Path certFile = keysDir.resolve(TLS_CERT);
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            PrivateKey key = PemFiles.readPrivateKey(keyFile, null);
            X509Certificate certificate = PemFiles.readCertificates(certFile).get(0);
            if (stillGood(certificate, ca, now)) {
                return new ServerKeys(keysDir, keyring, key, certificate, create);
            }
        }
        KeyPair pair = KeyPairs.generateP256();
        Instant notAfter = earliest(now.plus(TLS_VALIDITY), ca.getNotAfter().toInstant());
        X509Certificate certificate = keyring.authority().issue(pair.getPublic(), REGISTRY_NAME + " TLS",
                CertificateProfile.TLS_SERVER, now.minus(Duration.ofHours(1)), notAfter,
                List.of("127.0.0.1", "localhost"));
        PemFiles.writePrivateKey(keyFile, pair.getPrivate(), null);
        PemFiles.writeCertificates(certFile, List.of(certificate), true);
        return new ServerKeys(keysDir, keyring, pair.getPrivate(), certificate, create);
    }

    private static boolean stillGood(X509Certificate certificate, X509Certificate ca, Instant now) {
        try {
            Certificates.requireIssuedBy(certificate, ca, now.plus(Duration.ofDays(1)));
            return true;
        } catch (PkiException e) {
            return false;
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The admin token in {@code <data-dir>/admin-token}, created (owner-only) on first use. */
    static String adminToken(Path dataDir) throws IOException {
        Path file = dataDir.resolve(ADMIN_TOKEN);
        if (!Files.exists(file)) {
            byte[] bits = new byte[32];
            new SecureRandom().nextBytes(bits);
            DurableFiles.writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bits)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    RegistryKeyring keyring() {
        return keyring;
    }

    PrivateKey tlsKey() {
        return tlsKey;
    }

    X509Certificate tlsCertificate() {
        return tlsCertificate;
    }

    /** The PEM file of the registry CA certificate, the trust anchor clients need. */
    Path caCertificateFile() {
        return keysDir.resolve("registry-ca.cert.pem");
    }

    /** Whether this start created the keyring. */
    boolean created() {
        return created;
    }
}
