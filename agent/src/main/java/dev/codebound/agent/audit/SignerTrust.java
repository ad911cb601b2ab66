package dev.codebound.agent.audit;

import dev.codebound.protocol.pki.Certificates;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which keys may sign this station's checkpoints. A registry-issued certificate proves only
 * that <em>some</em> station holds its key; a second station could re-sign a rewritten log with its
 * own. So trust starts from the station's own key, the one in the certificate pinned in the station
 * home at enrollment (any certificate the registry issued for that same key is the station's too:
 * {@code enroll --force} keeps the key), and passes to another key only through a
 * {@code key-renewed} record that the old key signed:
 *
 * <ul>
 *   <li>forward: a {@code key-renewed} record naming key N, covered by the next checkpoint, signed
 *       by trusted key O, makes N trusted (the old key handed over to the new one);
 *   <li>backward: if N is trusted and a checkpoint signed by a trusted key comes after O's
 *       hand-over checkpoint, O is trusted too (the station, under its trusted key, vouches for the
 *       exact history that records the hand-over from O).
 * </ul>
 *
 * Both rules need a signature by a trusted key over the hand-over, so a forger holding only another
 * station's key cannot make that key trusted: the rewritten records and every checkpoint after
 * them would need the station's own signature.
 */
final class SignerTrust {
    /** A checkpoint whose signer is not this station's. */
    record Untrusted(TransferRecord checkpoint, X509Certificate signer, String reason) {}

    private record Handover(String newKey, String oldKey, long handoverSeq) {}

    private final Set<String> trustedKeys = new HashSet<>();

    private SignerTrust() {}

    /** The fingerprint {@code key-renewed} records carry for a certificate's key. */
    static String keyFingerprint(X509Certificate certificate) {
        return TransferLog.keyFingerprint(certificate.getPublicKey());
    }

    /**
     * The first checkpoint of {@code records} whose signer is not this station's, if any.
     *
     * @param pinned  the certificate pinned in the station home, absent before enrollment
     * @param records the records whose chain and signatures verified, in order
     * @param signers each checkpoint's signing certificate, by seq
     */
    static Optional<Untrusted> firstUntrusted(Optional<X509Certificate> pinned, List<TransferRecord> records,
            Map<Long, X509Certificate> signers) {
        SignerTrust trust = new SignerTrust();
        pinned.ifPresent(certificate -> trust.trustedKeys.add(keyFingerprint(certificate)));
        trust.followHandovers(handovers(records, signers), signers);
        for (TransferRecord record : records) {
            X509Certificate signer = signers.get(record.seq());
            if (signer != null && !trust.trustedKeys.contains(keyFingerprint(signer))) {
                return Optional.of(new Untrusted(record, signer, pinned.isEmpty()
                        ? "the station home pins no station certificate (station.cert.pem), so no checkpoint signer "
                                + "can be trusted"
                        : "certificate " + Certificates.fingerprint(signer) + " (station "
                                + Certificates.commonName(signer) + ") is not this station's: its key is neither the "
                                + "key of the pinned station certificate (station.cert.pem, station "
                                + Certificates.commonName(pinned.get()) + ") nor one handed over to by a 'key-renewed' "
                                + "record that a trusted key signed; a certificate merely placed in log/certificates/ "
                                + "is not trusted"));
            }
        }
        return Optional.empty();
    }

    private static List<Handover> handovers(List<TransferRecord> records, Map<Long, X509Certificate> signers) {
        List<Handover> handovers = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            TransferRecord record = records.get(i);
            if (record.event() != EventType.KEY_RENEWED) {
                continue;
            }
            for (int j = i + 1; j < records.size(); j++) {
                X509Certificate signer = signers.get(records.get(j).seq());
                if (signer != null) {
                    handovers.add(new Handover(record.text(Field.KEY_FINGERPRINT).orElseThrow(),
                            keyFingerprint(signer), records.get(j).seq()));
                    break;
                }
            }
        }
        return handovers;
    }

    /** Applies both rules until no key is added. */
    private void followHandovers(List<Handover> handovers, Map<Long, X509Certificate> signers) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Handover handover : handovers) {
                boolean oldTrusted = trustedKeys.contains(handover.oldKey());
                boolean newTrusted = trustedKeys.contains(handover.newKey());
                if (oldTrusted && !newTrusted) {
                    changed |= trustedKeys.add(handover.newKey());
                } else if (newTrusted && !oldTrusted && vouchedAfter(handover.handoverSeq(), signers)) {
                    changed |= trustedKeys.add(handover.oldKey());
                }
            }
        }
    }

    private boolean vouchedAfter(long seq, Map<Long, X509Certificate> signers) {
        return signers.entrySet().stream().anyMatch(signer -> signer.getKey() > seq
                && trustedKeys.contains(keyFingerprint(signer.getValue())));
    }
}
