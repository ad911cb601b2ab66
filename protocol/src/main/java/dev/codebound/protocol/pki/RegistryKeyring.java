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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every key the registry holds: its CA, the collection-code signing key, the encryption key that
 * envelopes and sealed identities are encrypted to, and the receipt-signing key (all P-256), and for
 * suite 2 an SM2 encryption key (envelopes' content keys and suite 2 codes' identity keys are
 * SM2-encrypted to it), an SM2 code-signing key (suite 2 collection codes) and an SM2 receipt-signing
 * key (receipts of suite 2 envelopes). The mock registry creates one on first start;
 * tests create throwaway ones.
 *
 * <p>On disk (see {@link #store}) each private key is an owner-only PKCS#8 PEM file, encrypted when
 * a passphrase is given, beside its certificate.
 */
public final class RegistryKeyring {
    private static final String CA = "registry-ca";
    private static final String CODE_SIGNING = "code-signing";
    private static final String ENCRYPTION = "encryption";
    private static final String RECEIPT_SIGNING = "receipt-signing";
    private static final String SM2_ENCRYPTION = "encryption-sm2";
    private static final String SM2_RECEIPT_SIGNING = "receipt-signing-sm2";
    private static final String SM2_CODE_SIGNING = "code-signing-sm2";
    /** The suite ids whose keys a keyring holds: 1 (P-256) and 2 (SM2). */
    private static final int SUITE_P256 = 1;
    private static final int SUITE_SM2 = 2;

    private final String registryName;
    private final CertificateAuthority authority;
    private final KeyedCertificate codeSigning;
    private final KeyedCertificate encryption;
    private final KeyedCertificate receiptSigning;
    private final KeyedCertificate sm2Encryption;
    private final KeyedCertificate sm2ReceiptSigning;
    private final KeyedCertificate sm2CodeSigning;

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
            KeyedCertificate encryption, KeyedCertificate receiptSigning, KeyedCertificate sm2Encryption,
            KeyedCertificate sm2ReceiptSigning, KeyedCertificate sm2CodeSigning) {
        this.registryName = registryName;
        this.authority = authority;
        this.codeSigning = codeSigning;
        this.encryption = encryption;
        this.receiptSigning = receiptSigning;
        this.sm2Encryption = sm2Encryption;
        this.sm2ReceiptSigning = sm2ReceiptSigning;
        this.sm2CodeSigning = sm2CodeSigning;
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
                issue(authority, registryName + " receipts", CertificateProfile.RECEIPT_SIGNING, notBefore, notAfter),
                issueSm2(authority, SM2_ENCRYPTION, registryName, notBefore, notAfter),
                issueSm2(authority, SM2_RECEIPT_SIGNING, registryName, notBefore, notAfter),
                issueSm2(authority, SM2_CODE_SIGNING, registryName, notBefore, notAfter));
    }

    private static KeyedCertificate issue(CertificateAuthority authority, String name, CertificateProfile profile,
            Instant notBefore, Instant notAfter) {
        return issue(authority, KeyPairs.generateP256(), name, profile, notBefore, notAfter);
    }

    /** Issues the SM2 key of {@code role} (one of the {@code SM2_} file names). */
    private static KeyedCertificate issueSm2(CertificateAuthority authority, String role, String registryName,
            Instant notBefore, Instant notAfter) {
        return switch (role) {
            case SM2_ENCRYPTION -> issue(authority, KeyPairs.generateSm2(), registryName + " SM2 encryption",
                    CertificateProfile.REGISTRY_KEY_TRANSPORT, notBefore, notAfter);
            case SM2_RECEIPT_SIGNING -> issue(authority, KeyPairs.generateSm2(), registryName + " SM2 receipts",
                    CertificateProfile.RECEIPT_SIGNING, notBefore, notAfter);
            case SM2_CODE_SIGNING -> issue(authority, KeyPairs.generateSm2(), registryName + " SM2 code signing",
                    CertificateProfile.CODE_SIGNING, notBefore, notAfter);
            default -> throw new IllegalArgumentException("no SM2 role " + role);
        };
    }

    private static KeyedCertificate issue(CertificateAuthority authority, KeyPair pair, String name,
            CertificateProfile profile, Instant notBefore, Instant notAfter) {
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
        if (hasSm2Keys()) {
            write(directory, SM2_ENCRYPTION, sm2Encryption, passphrase);
            write(directory, SM2_RECEIPT_SIGNING, sm2ReceiptSigning, passphrase);
            write(directory, SM2_CODE_SIGNING, sm2CodeSigning, passphrase);
        }
    }

    /** Whether {@code directory} holds a stored keyring. */
    public static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(CA + ".key.pem"));
    }

    /**
     * Loads a keyring written by {@link #store}. A keyring stored before suite 2 existed has no SM2
     * keys: it loads without them ({@link #hasSm2Keys()} is false) until {@link #addSm2Keys} adds them.
     */
    public static RegistryKeyring load(Path directory, char[] passphrase) throws IOException {
        String name = Files.readString(directory.resolve("registry-name")).strip();
        KeyedCertificate ca = read(directory, CA, passphrase);
        CertificateAuthority authority = new CertificateAuthority(ca.privateKey(), ca.certificate());
        boolean sm2 = hasSm2Keys(directory);
        return new RegistryKeyring(name, authority, read(directory, CODE_SIGNING, passphrase),
                read(directory, ENCRYPTION, passphrase), read(directory, RECEIPT_SIGNING, passphrase),
                sm2 ? read(directory, SM2_ENCRYPTION, passphrase) : null,
                sm2 ? read(directory, SM2_RECEIPT_SIGNING, passphrase) : null,
                sm2 ? read(directory, SM2_CODE_SIGNING, passphrase) : null);
    }

    /** Whether the keyring stored under {@code directory} has its suite 2 (SM2) keys. */
    public static boolean hasSm2Keys(Path directory) {
        return Stream.of(SM2_ENCRYPTION, SM2_RECEIPT_SIGNING, SM2_CODE_SIGNING)
                .allMatch(role -> Files.isRegularFile(directory.resolve(role + ".key.pem")));
    }

    /**
     * Gives a keyring stored before suite 2 existed its SM2 keys: each missing one is issued by its CA
     * for the validity of its P-256 encryption certificate and stored beside the others, so that every
     * later {@link #load} finds the same keys.
     */
    public static void addSm2Keys(Path directory, char[] passphrase) throws IOException {
        String name = Files.readString(directory.resolve("registry-name")).strip();
        KeyedCertificate ca = read(directory, CA, passphrase);
        CertificateAuthority authority = new CertificateAuthority(ca.privateKey(), ca.certificate());
        X509Certificate encryption = read(directory, ENCRYPTION, passphrase).certificate();
        for (String role : List.of(SM2_ENCRYPTION, SM2_RECEIPT_SIGNING, SM2_CODE_SIGNING)) {
            if (!Files.isRegularFile(directory.resolve(role + ".key.pem"))) {
                write(directory, role, issueSm2(authority, role, name, encryption.getNotBefore().toInstant(),
                        encryption.getNotAfter().toInstant()), passphrase);
            }
        }
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

    /** Whether this keyring has its suite 2 (SM2) keys; one loaded from before suite 2 has not. */
    public boolean hasSm2Keys() {
        return sm2Encryption != null;
    }

    /** Suite 2's encryption key: envelopes' SM4 content keys are SM2-encrypted to it. */
    public KeyedCertificate sm2Encryption() {
        return requireSm2(sm2Encryption);
    }

    /** Signs the receipts of suite 2 envelopes (SM2 with SM3). */
    public KeyedCertificate sm2ReceiptSigning() {
        return requireSm2(sm2ReceiptSigning);
    }

    private static KeyedCertificate requireSm2(KeyedCertificate key) {
        if (key == null) {
            throw new PkiException("this registry keyring was stored before suite 2 and has no SM2 keys; "
                    + "add them with RegistryKeyring.addSm2Keys (the mock registry does so when it starts)");
        }
        return key;
    }

    /** Signs suite 2 collection codes (SM2 with SM3). */
    public KeyedCertificate sm2CodeSigning() {
        return requireSm2(sm2CodeSigning);
    }

    /** The code-signing key of suite {@code suiteId} (1 or 2). */
    public KeyedCertificate codeSigning(int suiteId) {
        return switch (suiteId) {
            case SUITE_P256 -> codeSigning;
            case SUITE_SM2 -> sm2CodeSigning();
            default -> throw new PkiException("this registry holds no keys for suite " + suiteId);
        };
    }

    /** The encryption key of envelope suite {@code suiteId} (1 or 2). */
    public KeyedCertificate encryption(int suiteId) {
        return switch (suiteId) {
            case SUITE_P256 -> encryption;
            case SUITE_SM2 -> sm2Encryption();
            default -> throw new PkiException("this registry holds no keys for envelope suite " + suiteId);
        };
    }

    /** The receipt-signing key for envelopes of suite {@code suiteId} (1 or 2). */
    public KeyedCertificate receiptSigning(int suiteId) {
        return switch (suiteId) {
            case SUITE_P256 -> receiptSigning;
            case SUITE_SM2 -> sm2ReceiptSigning();
            default -> throw new PkiException("this registry holds no keys for envelope suite " + suiteId);
        };
    }

    /**
     * A trust bundle describing this keyring, with the given revocations, accepting envelope suite 1
     * only (as every bundle did before suite 2).
     */
    public TrustBundle trustBundle(long sequence, Instant issuedAt, Set<String> revokedKeyIds,
            Set<String> revokedCodeIds, Set<String> revokedStationSerials) {
        return trustBundle(sequence, issuedAt, revokedKeyIds, revokedCodeIds, revokedStationSerials,
                Set.of(SUITE_P256));
    }

    /**
     * A trust bundle describing this keyring, with the given revocations, accepting the envelope
     * suites {@code acceptedSuites} in envelope format 1 only.
     */
    public TrustBundle trustBundle(long sequence, Instant issuedAt, Set<String> revokedKeyIds,
            Set<String> revokedCodeIds, Set<String> revokedStationSerials, Set<Integer> acceptedSuites) {
        return trustBundle(sequence, issuedAt, revokedKeyIds, revokedCodeIds, revokedStationSerials, acceptedSuites,
                Set.of(TrustBundle.DEFAULT_ENVELOPE_FORMAT));
    }

    /**
     * A trust bundle describing this keyring, with the given revocations, accepting the envelope
     * suites {@code acceptedSuites} (each with its encryption certificate) and the envelope formats
     * {@code envelopeFormats}. The SM2 receipt-signing and code-signing certificates are listed when
     * suite 2 is accepted.
     */
    public TrustBundle trustBundle(long sequence, Instant issuedAt, Set<String> revokedKeyIds,
            Set<String> revokedCodeIds, Set<String> revokedStationSerials, Set<Integer> acceptedSuites,
            Set<Integer> envelopeFormats) {
        SortedMap<Integer, List<X509Certificate>> suites = new TreeMap<>();
        for (int suite : acceptedSuites) {
            suites.put(suite, List.of(encryption(suite).certificate()));
        }
        boolean sm2 = acceptedSuites.contains(SUITE_SM2);
        List<X509Certificate> receiptKeys = sm2
                ? List.of(receiptSigning.certificate(), sm2ReceiptSigning().certificate())
                : List.of(receiptSigning.certificate());
        List<X509Certificate> codeKeys = sm2
                ? List.of(codeSigning.certificate(), sm2CodeSigning().certificate())
                : List.of(codeSigning.certificate());
        return new TrustBundle(registryName, sequence, issuedAt, authority.certificate(), codeKeys, receiptKeys,
                revokedKeyIds, revokedCodeIds, revokedStationSerials, suites, new TreeSet<>(envelopeFormats));
    }

    /** A trust bundle with nothing revoked, accepting suite 1 only. */
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

    /**
     * Issues a suite 2 (SM2) envelope-signing certificate for a fresh key and returns both (tests):
     * the STATION profile and the station's id, as enrollment issues beside the P-256 one.
     */
    public StationCredentials issueSm2Station(String stationId, Instant notBefore, Instant notAfter) {
        KeyPair pair = KeyPairs.generateSm2();
        X509Certificate certificate = authority.issue(pair.getPublic(), stationId, CertificateProfile.STATION,
                notBefore, notAfter, List.of());
        return new StationCredentials(pair.getPrivate(), certificate);
    }
}
