package dev.codebound.protocol.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a station (or an auditor) trusts about the registry, verified offline: the registry CA, the
 * code-signing and receipt-signing certificates it issued, the envelope suites it accepts with each
 * suite's encryption certificates, and what has been revoked. A bundle is signed by the registry CA
 * and carries a sequence number so that a station never replaces a bundle with an older one (which
 * could un-revoke a key).
 *
 * @param registryName       a stable name for the registry (the transparency-log origin, for example)
 * @param sequence           monotonically increasing issue number
 * @param issuedAt           when the registry issued this bundle
 * @param registryCa         the root every other certificate chains to
 * @param codeSigning        certificates whose keys sign collection codes
 * @param receiptSigning     certificates whose keys sign receipts and log checkpoints (P-256, and SM2
 *                           for receipts of suite 2 envelopes)
 * @param revokedKeyIds      hex {@link KeyPairs#keyId key ids} of withdrawn registry keys
 * @param revokedCodeIds     collection code ids withdrawn before their expiry
 * @param revokedStationSerials hex serial numbers of revoked station certificates
 * @param suites             the envelope suites the registry accepts, by id, each with the certificates
 *                           envelopes of that suite are encrypted to; the first currently valid one is
 *                           used for new envelopes. Never empty.
 * @param envelopeFormats    the envelope format versions the registry accepts (1: the binding carries the
 *                           code's text; 2: a code proof instead); a station seals the newest one it
 *                           writes. Never empty; {@code [1]} in every bundle from before format 2.
 */
public record TrustBundle(
        String registryName,
        long sequence,
        Instant issuedAt,
        X509Certificate registryCa,
        List<X509Certificate> codeSigning,
        List<X509Certificate> receiptSigning,
        Set<String> revokedKeyIds,
        Set<String> revokedCodeIds,
        Set<String> revokedStationSerials,
        SortedMap<Integer, List<X509Certificate>> suites,
        SortedSet<Integer> envelopeFormats) {

    /** The suite of every bundle that lists no suites: 1, {@code CB-P256-AES256GCM-SHA256}. */
    public static final int DEFAULT_SUITE = 1;
    /** The envelope format of every bundle that lists none: 1, the binding carries the code's text. */
    public static final int DEFAULT_ENVELOPE_FORMAT = 1;

    public TrustBundle {
        codeSigning = List.copyOf(codeSigning);
        receiptSigning = List.copyOf(receiptSigning);
        revokedKeyIds = Set.copyOf(revokedKeyIds);
        revokedCodeIds = Set.copyOf(revokedCodeIds);
        revokedStationSerials = Set.copyOf(revokedStationSerials);
        if (suites.isEmpty()) {
            throw new PkiException("a trust bundle must accept at least one envelope suite");
        }
        TreeMap<Integer, List<X509Certificate>> copy = new TreeMap<>();
        suites.forEach((suite, certificates) -> copy.put(suite, List.copyOf(certificates)));
        suites = Collections.unmodifiableSortedMap(copy);
        if (envelopeFormats.isEmpty()) {
            throw new PkiException("a trust bundle must accept at least one envelope format");
        }
        envelopeFormats = Collections.unmodifiableSortedSet(new TreeSet<>(envelopeFormats));
    }

    /** A bundle that accepts envelope format 1 only: the shape of every bundle before format 2. */
    public TrustBundle(String registryName, long sequence, Instant issuedAt, X509Certificate registryCa,
            List<X509Certificate> codeSigning, List<X509Certificate> receiptSigning, Set<String> revokedKeyIds,
            Set<String> revokedCodeIds, Set<String> revokedStationSerials,
            SortedMap<Integer, List<X509Certificate>> suites) {
        this(registryName, sequence, issuedAt, registryCa, codeSigning, receiptSigning, revokedKeyIds, revokedCodeIds,
                revokedStationSerials, suites, new TreeSet<>(Set.of(DEFAULT_ENVELOPE_FORMAT)));
    }

    /**
     * A bundle that accepts suite 1 only, with {@code encryption} as its encryption certificates: the
     * shape of every bundle before suites were listed.
     */
    public TrustBundle(String registryName, long sequence, Instant issuedAt, X509Certificate registryCa,
            List<X509Certificate> codeSigning, List<X509Certificate> encryption, List<X509Certificate> receiptSigning,
            Set<String> revokedKeyIds, Set<String> revokedCodeIds, Set<String> revokedStationSerials) {
        this(registryName, sequence, issuedAt, registryCa, codeSigning, receiptSigning, revokedKeyIds,
                revokedCodeIds, revokedStationSerials, new TreeMap<>(Map.of(DEFAULT_SUITE, encryption)));
    }

    /** Whether the registry accepts envelopes of format version {@code formatVersion}. */
    public boolean acceptsEnvelopeFormat(int formatVersion) {
        return envelopeFormats.contains(formatVersion);
    }

    /**
     * The newest envelope format version that the registry accepts and that is in {@code writable}
     * (the versions the caller can write): what a station seals.
     *
     * @throws PkiException when the registry accepts none of them; the message says what to do
     */
    public int newestEnvelopeFormat(Collection<Integer> writable) {
        for (int format : new TreeSet<>(envelopeFormats).descendingSet()) {
            if (writable.contains(format)) {
                return format;
            }
        }
        throw new PkiException("the registry accepts envelope formats " + envelopeFormats + " (its trust bundle, "
                + "sequence " + sequence + "), none of which this software writes (" + writable + "); upgrade the "
                + "station software");
    }

    /** Whether the registry accepts envelopes of suite {@code suiteId}. */
    public boolean acceptsSuite(int suiteId) {
        return suites.containsKey(suiteId);
    }

    /** Suite 1's encryption certificates (empty when the registry does not accept suite 1). */
    public List<X509Certificate> encryption() {
        return encryption(DEFAULT_SUITE);
    }

    /** The encryption certificates of suite {@code suiteId} (empty when the registry does not accept it). */
    public List<X509Certificate> encryption(int suiteId) {
        return suites.getOrDefault(suiteId, List.of());
    }

    /** Every encryption certificate of every suite. */
    public List<X509Certificate> allEncryption() {
        return suites.values().stream().flatMap(List::stream).toList();
    }

    /** The code-signing certificate whose key id is {@code keyId}, if the bundle has one. */
    public Optional<X509Certificate> codeSigningCertificate(byte[] keyId) {
        return findByKeyId(codeSigning, keyId);
    }

    /** The encryption certificate (of any suite) whose key id is {@code keyId}, if the bundle has one. */
    public Optional<X509Certificate> encryptionCertificate(byte[] keyId) {
        return findByKeyId(allEncryption(), keyId);
    }

    /** The suite 1 encryption certificate new envelopes are sealed to at {@code at}. */
    public X509Certificate currentEncryptionCertificate(Instant at) {
        return currentEncryptionCertificate(DEFAULT_SUITE, at);
    }

    /**
     * The encryption certificate new envelopes of suite {@code suiteId} are sealed to at {@code at}.
     *
     * @throws PkiException when the registry does not accept the suite, or none of its certificates is
     *     valid and unrevoked at {@code at}; the message says what to do
     */
    public X509Certificate currentEncryptionCertificate(int suiteId, Instant at) {
        if (!acceptsSuite(suiteId)) {
            throw new PkiException("the registry does not accept envelope suite " + suiteId + " (its trust bundle, "
                    + "sequence " + sequence + ", lists suites " + suites.keySet() + "); set envelope.suite to one "
                    + "of them, or refresh the trust bundle if the registry has since added suite " + suiteId);
        }
        for (X509Certificate certificate : encryption(suiteId)) {
            if (Certificates.validity(certificate).includes(at) && !isKeyRevoked(KeyPairs.keyId(certificate.getPublicKey()))) {
                return certificate;
            }
        }
        throw new PkiException("the trust bundle (sequence " + sequence + ") has no registry encryption "
                + "certificate for suite " + suiteId + " valid at " + at + "; refresh the trust bundle");
    }

    public boolean isKeyRevoked(byte[] keyId) {
        return revokedKeyIds.contains(HexFormat.of().formatHex(keyId));
    }

    public boolean isCodeRevoked(String codeId) {
        return revokedCodeIds.contains(codeId);
    }

    public boolean isStationRevoked(X509Certificate stationCertificate) {
        return revokedStationSerials.contains(Certificates.serialHex(stationCertificate));
    }

    private static Optional<X509Certificate> findByKeyId(List<X509Certificate> certificates, byte[] keyId) {
        for (X509Certificate certificate : certificates) {
            if (java.util.Arrays.equals(KeyPairs.keyId(certificate.getPublicKey()), keyId)) {
                return Optional.of(certificate);
            }
        }
        return Optional.empty();
    }
}
