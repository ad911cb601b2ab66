package dev.codebound.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.codebound.protocol.pki.Certificates;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the registry's station directory about every certificate this station's log trusts: the
 * pinned one and each that signed a checkpoint. Each must be the certificate the registry issued to
 * the station it names, and no checkpoint may be signed after the registry revoked its certificate.
 * This catches a station home whose pinned certificate, and so the whole trust the offline checks
 * start from, was swapped for another registry-issued certificate.
 */
final class StationDirectoryAudit {
    private StationDirectoryAudit() {}

    static void check(Optional<X509Certificate> pinned, Map<Long, X509Certificate> signers,
            List<TransferRecord> records, RegistryLogClient client, AuditReport report) throws IOException {
        Map<String, X509Certificate> certificates = new LinkedHashMap<>();
        pinned.ifPresent(certificate -> certificates.put(Certificates.fingerprint(certificate), certificate));
        signers.values().forEach(certificate -> certificates.putIfAbsent(Certificates.fingerprint(certificate),
                certificate));
        for (Map.Entry<String, X509Certificate> certificate : certificates.entrySet()) {
            String stationId = Certificates.commonName(certificate.getValue());
            String fingerprint = certificate.getKey();
            Optional<JsonNode> known;
            try {
                known = client.stationCertificate(stationId);
            } catch (RegistryLogClient.RegistryAnswerException e) {
                report.fail("station-directory", "cannot read the registry's record of station " + stationId + ": "
                        + e.getMessage());
                continue;
            }
            if (known.isEmpty()) {
                report.fail("station-directory", "the registry never enrolled station " + stationId + ", named by "
                        + "certificate " + fingerprint + ": it is not a station certificate of this registry");
                continue;
            }
            String issued = known.get().path("fingerprint").asText();
            if (!issued.equals(fingerprint)) {
                report.fail("station-directory", "the registry issued station " + stationId + " the certificate "
                        + issued + ", not " + fingerprint + ": the station home holds a certificate the registry "
                        + "does not know as this station's");
                continue;
            }
            checkRevocation(known.get(), certificate.getValue(), signers, records, report);
        }
        report.count("directoryCertificatesChecked", certificates.size());
    }

    private static void checkRevocation(JsonNode known, X509Certificate certificate, Map<Long, X509Certificate> signers,
            List<TransferRecord> records, AuditReport report) {
        JsonNode revokedAt = known.path("revokedAt");
        if (revokedAt.isMissingNode() || revokedAt.isNull()) {
            return;
        }
        Instant revoked;
        try {
            revoked = Instant.parse(revokedAt.asText());
        } catch (DateTimeParseException e) {
            report.fail("station-directory", "the registry's record of station " + Certificates.commonName(certificate)
                    + " has an unreadable revocation time");
            return;
        }
        report.note("the registry revoked the certificate of station " + Certificates.commonName(certificate) + " at "
                + revoked);
        for (TransferRecord record : records) {
            X509Certificate signer = signers.get(record.seq());
            if (signer != null && signer.equals(certificate) && record.time().isAfter(revoked)) {
                report.fail("station-directory", record.seq(), record.seq(), "checkpoint signed at "
                        + record.timeText() + " with the certificate of station " + Certificates.commonName(certificate)
                        + ", which the registry revoked at " + revoked);
            }
        }
    }
}
