package dev.codebound.protocol.pki;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every key the registry holds: its CA, the collection-code signing key, the encryption key that
 * envelopes and sealed identities are encrypted to, and the receipt-signing key. The mock registry
 * creates one on first start; tests create throwaway ones.
 *
 * <p>On disk (see {@link #store}) each private key is an owner-only PKCS#8 PEM file, encrypted when
 * a passphrase is given, beside its certificate.
 */
public final class RegistryKeyring {
    private static final String CA = "registry-ca";
    private static final String CODE_SIGNING = "code-signing";
    private static final String ENCRYPTION = "encryption";
    private static final String RECEIPT_SIGNING = "receipt-signing";

    private final String registryName;
    private final CertificateAuthority authority;
    private final KeyedCertificate codeSigning;
    private final KeyedCertificate encryption;
    private final KeyedCertificate receiptSigning;

    /** A private key and its certificate. */
    public record KeyedCertificate(PrivateKey privateKey, X509Certificate certificate) {
        public KeyedCertificate {
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(certificate, "certificate");
        }

        /** The {@link KeyPairs#keyId key id} of the certificate's public key. */
        public byte[] keyId() {
            return KeyPairs.keyId(certificate.getPublicKey());
        }
    }

    private RegistryKeyring(String registryName, CertificateAuthority authority, KeyedCertificate codeSigning,
            KeyedCertificate encryption, KeyedCertificate receiptSigning) {
        this.registryName = registryName;
        this.authority = authority;
        this.codeSigning = codeSigning;
        this.encryption = encryption;
        this.receiptSigning = receiptSigning;
    }

    /**
     * Creates a registry with fresh keys. The CA is valid for {@code validity}; the other
     * certificates for the same span, starting one hour before {@code now} to tolerate clock skew.
     */
    public static RegistryKeyring generate(String registryName, Instant now, Duration validity) {
        // X.509 times have whole seconds: truncate first, or the CA's encoded notAfter would fall
        // before the sub-second notAfter requested for the certificates it issues.
        Instant start = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant notBefore = start.minus(Duration.ofHours(1));
        Instant notAfter = start.plus(validity);
        CertificateAuthority authority = CertificateAuthority.create(registryName + " CA", notBefore, notAfter);
        return new RegistryKeyring(registryName, authority,
                issue(authority, registryName + " code signing", CertificateProfile.CODE_SIGNING, notBefore, notAfter),
                issue(authority, registryName + " encryption", CertificateProfile.REGISTRY_ENCRYPTION, notBefore,
                        notAfter),
                issue(authority, registryName + " receipts", CertificateProfile.RECEIPT_SIGNING, notBefore, notAfter));
    }

    private static KeyedCertificate issue(CertificateAuthority authority, String name, CertificateProfile profile,
            Instant notBefore, Instant notAfter) {
        KeyPair pair = KeyPairs.generateP256();
        return new KeyedCertificate(pair.getPrivate(),
                authority.issue(pair.getPublic(), name, profile, notBefore, notAfter, List.of()));
    }

    /** Writes every key and certificate under {@code directory}, all owner-only (directory 0700, files 0600). */
    public void store(Path directory, char[] passphrase) throws IOException {
        DurableFiles.createPrivateDirectory(directory);
        DurableFiles.writePrivate(directory.resolve("registry-name"),
                registryName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        write(directory, CA, new KeyedCertificate(authority.privateKey(), authority.certificate()), passphrase);
        write(directory, CODE_SIGNING, codeSigning, passphrase);
        write(directory, ENCRYPTION, encryption, passphrase);
        write(directory, RECEIPT_SIGNING, receiptSigning, passphrase);
    }

    /** Whether {@code directory} holds a stored keyring. */
    public static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(CA + ".key.pem"));
    }

    /** Loads a keyring written by {@link #store}. */
    public static RegistryKeyring load(Path directory, char[] passphrase) throws IOException {
        String name = Files.readString(directory.resolve("registry-name")).strip();
        KeyedCertificate ca = read(directory, CA, passphrase);
        CertificateAuthority authority = new CertificateAuthority(ca.privateKey(), ca.certificate());
        return new RegistryKeyring(name, authority, read(directory, CODE_SIGNING, passphrase),
                read(directory, ENCRYPTION, passphrase), read(directory, RECEIPT_SIGNING, passphrase));
    }

    private static void write(Path directory, String role, KeyedCertificate keyed, char[] passphrase)
            throws IOException {
        PemFiles.writePrivateKey(directory.resolve(role + ".key.pem"), keyed.privateKey(), passphrase);
        PemFiles.writeCertificates(directory.resolve(role + ".cert.pem"), List.of(keyed.certificate()), true);
    }

    private static KeyedCertificate read(Path directory, String role, char[] passphrase) throws IOException {
        PrivateKey key = PemFiles.readPrivateKey(directory.resolve(role + ".key.pem"), passphrase);
        X509Certificate certificate = PemFiles.readCertificates(directory.resolve(role + ".cert.pem")).get(0);
        Signatures.requireMatchingPair(key, certificate.getPublicKey(), role);
        return new KeyedCertificate(key, certificate);
    }

    public String registryName() {
        return registryName;
    }

    public CertificateAuthority authority() {
        return authority;
    }

    public KeyedCertificate codeSigning() {
        return codeSigning;
    }

    public KeyedCertificate encryption() {
        return encryption;
    }

    public KeyedCertificate receiptSigning() {
        return receiptSigning;
    }

    /** A trust bundle describing this keyring, with the given revocations. */
    public TrustBundle trustBundle(long sequence, Instant issuedAt, Set<String> revokedKeyIds,
            Set<String> revokedCodeIds, Set<String> revokedStationSerials) {
        return new TrustBundle(registryName, sequence, issuedAt, authority.certificate(),
                List.of(codeSigning.certificate()), List.of(encryption.certificate()),
                List.of(receiptSigning.certificate()), revokedKeyIds, revokedCodeIds, revokedStationSerials);
    }

    /** A trust bundle with nothing revoked. */
    public TrustBundle trustBundle(long sequence, Instant issuedAt) {
        return trustBundle(sequence, issuedAt, Set.of(), Set.of(), Set.of());
    }

    /** Enrolls a station: issues a certificate for a fresh key and returns both (tests, quickstart). */
    public StationCredentials issueStation(String stationId, Instant notBefore, Instant notAfter) {
        KeyPair pair = KeyPairs.generateP256();
        X509Certificate certificate = authority.issue(pair.getPublic(), stationId, CertificateProfile.STATION,
                notBefore, notAfter, List.of());
        return new StationCredentials(pair.getPrivate(), certificate);
    }
}
