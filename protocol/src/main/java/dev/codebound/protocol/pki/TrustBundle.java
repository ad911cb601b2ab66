package dev.codebound.protocol.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a station (or an auditor) trusts about the registry, verified offline: the registry CA, the
 * code-signing, encryption and receipt-signing certificates it issued, and what has been revoked.
 * A bundle is signed by the registry CA and carries a sequence number so that a station never
 * replaces a bundle with an older one (which could un-revoke a key).
 *
 * @param registryName       a stable name for the registry (the transparency-log origin, for example)
 * @param sequence           monotonically increasing issue number
 * @param issuedAt           when the registry issued this bundle
 * @param registryCa         the root every other certificate chains to
 * @param codeSigning        certificates whose keys sign collection codes
 * @param encryption         certificates whose keys envelopes and sealed identities are encrypted to;
 *                           the first currently valid one is used for new envelopes
 * @param receiptSigning     certificates whose keys sign receipts and log checkpoints
 * @param revokedKeyIds      hex {@link KeyPairs#keyId key ids} of withdrawn registry keys
 * @param revokedCodeIds     collection code ids withdrawn before their expiry
 * @param revokedStationSerials hex serial numbers of revoked station certificates
 */
public record TrustBundle(
        String registryName,
        long sequence,
        Instant issuedAt,
        X509Certificate registryCa,
        List<X509Certificate> codeSigning,
        List<X509Certificate> encryption,
        List<X509Certificate> receiptSigning,
        Set<String> revokedKeyIds,
        Set<String> revokedCodeIds,
        Set<String> revokedStationSerials) {

    public TrustBundle {
        codeSigning = List.copyOf(codeSigning);
        encryption = List.copyOf(encryption);
        receiptSigning = List.copyOf(receiptSigning);
        revokedKeyIds = Set.copyOf(revokedKeyIds);
        revokedCodeIds = Set.copyOf(revokedCodeIds);
        revokedStationSerials = Set.copyOf(revokedStationSerials);
    }

    /** The code-signing certificate whose key id is {@code keyId}, if the bundle has one. */
    public Optional<X509Certificate> codeSigningCertificate(byte[] keyId) {
        return findByKeyId(codeSigning, keyId);
    }

    /** The encryption certificate whose key id is {@code keyId}, if the bundle has one. */
    public Optional<X509Certificate> encryptionCertificate(byte[] keyId) {
        return findByKeyId(encryption, keyId);
    }

    /** The encryption certificate new envelopes are sealed to at {@code at}. */
    public X509Certificate currentEncryptionCertificate(Instant at) {
        for (X509Certificate certificate : encryption) {
            if (Certificates.validity(certificate).includes(at) && !isKeyRevoked(KeyPairs.keyId(certificate.getPublicKey()))) {
                return certificate;
            }
        }
        throw new PkiException("the trust bundle (sequence " + sequence + ") has no registry encryption "
                + "certificate valid at " + at + "; refresh the trust bundle");
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
