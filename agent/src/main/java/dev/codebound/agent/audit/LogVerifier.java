package dev.codebound.agent.audit;

import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.CheckpointException;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code audit verify}: checks a station's transfer log, its receipts and, optionally, the
 * registry's log, from the files of a station home (or a copy of one) and public data only. No
 * private key is needed. See docs/audit.md for what each check guarantees.
 */
public final class LogVerifier {
    /**
     * What to check beyond the station's own files.
     *
     * @param registry           the registry's base URL, to fetch its latest checkpoint and consistency proofs
     * @param registryCheckpoint a registry checkpoint note saved earlier (checked against the live one when
     *                           {@code registry} is given, else used as the latest)
     * @param expectCheckpoint   a station checkpoint the auditor kept (a checkpoint line, or an older copy of
     *                           the whole log whose last checkpoint is used): the log must still hold it
     */
    public record Options(URI registry, Path registryCheckpoint, Path expectCheckpoint) {
        /** Station files only. */
        public static Options none() {
            return new Options(null, null, null);
        }
    }

    private LogVerifier() {}

    /**
     * Runs every check and returns the report.
     *
     * @throws StationException when a station file the checks need is missing or unreadable
     * @throws IOException      when the registry cannot be reached, or a file cannot be read
     */
    public static AuditReport verify(StationHome home, Options options) throws StationException, IOException {
        Path file = LogFiles.file(home);
        if (!Files.exists(file)) {
            throw new StationException("no transfer log at " + file + "; is " + home.root() + " a station home?");
        }
        AuditReport report = new AuditReport();
        LogFiles.Content content = LogFiles.read(file);
        StationTrust trust = new StationTrust(home);
        StationCertificates certificates = new StationCertificates(home, trust.registryCa());
        ChainVerifier.Result chain = new ChainVerifier(certificates).verify(content, report);
        summarise(chain, report);
        EntryLifecycle.check(chain.records(), report);
        RetentionRecordsAudit.check(chain.records(), report);
        if (options.expectCheckpoint() != null) {
            checkExpected(options.expectCheckpoint(), content, certificates, report);
        }

        ReceiptAudit receipts = null;
        List<ReceiptAudit.VerifiedReceipt> verified = List.of();
        boolean needsBundle = options.registry() != null || options.registryCheckpoint() != null
                || chain.records().stream().anyMatch(record -> record.event() == EventType.DELIVERED)
                || Files.isDirectory(home.receipts()) || Files.exists(Spool.journalFile(home.spool()));
        TrustBundle bundle = needsBundle ? trust.bundle() : null;
        if (bundle != null) {
            receipts = new ReceiptAudit(home, bundle, signingIds(certificates, chain));
            verified = receipts.verifyStored(report);
            if (chain.intact()) {
                receipts.matchLog(chain.records(), verified, report);
            } else {
                report.note("receipts were not matched against the log, whose chain is broken");
            }
            checkRegistry(bundle, verified, options, trust.registryCa(), chain, certificates, report);
        }
        return report;
    }

    private static void summarise(ChainVerifier.Result chain, AuditReport report) {
        long checkpoints = chain.records().stream().filter(record -> record.event() == EventType.CHECKPOINT).count();
        report.count("records", chain.records().size());
        report.count("checkpoints", checkpoints);
        TransferRecord last = chain.lastCheckpoint();
        if (!chain.intact()) {
            return;
        }
        if (last == null) {
            if (!chain.records().isEmpty()) {
                report.note("the log has no checkpoint: removing records from its end, or replacing it whole, "
                        + "cannot be detected");
            }
            return;
        }
        report.count("lastCheckpointSeq", last.seq());
        long after = chain.records().size() - last.seq();
        if (after > 0) {
            report.note(after + " record" + (after == 1 ? " follows" : "s follow") + " the last checkpoint (seq "
                    + last.seq() + "): their removal is detected only against a remembered checkpoint "
                    + "(--expect-checkpoint)");
        }
    }

    /** The remembered checkpoint must verify and still stand, byte for byte, at its place in the log. */
    private static void checkExpected(Path remembered, LogFiles.Content content, StationCertificates certificates,
            AuditReport report) throws IOException {
        TransferRecord expected = null;
        for (String line : LogFiles.read(remembered).lines()) {
            try {
                TransferRecord record = RecordParser.parse(line);
                if (record.event() == EventType.CHECKPOINT) {
                    expected = record;
                }
            } catch (RecordParser.MalformedRecordException e) {
                // Only the checkpoint records of the remembered file matter; a copied log may end torn.
            }
        }
        if (expected == null) {
            report.fail("expected-checkpoint", remembered + " holds no checkpoint record");
            return;
        }
        try {
            X509Certificate signer = certificates.find(expected.text(Field.CERT_FINGERPRINT).orElseThrow(),
                    expected.time());
            if (!expected.hash().equals(expected.computedHash())
                    || !StationCheckpoint.verify(expected, signer.getPublicKey())) {
                report.fail("expected-checkpoint", "the remembered checkpoint (seq " + expected.seq()
                        + ") does not verify: it is not the station's");
                return;
            }
        } catch (PkiException e) {
            report.fail("expected-checkpoint", "the remembered checkpoint's signer cannot be trusted: " + e.getMessage());
            return;
        }
        List<String> lines = content.lines();
        if (lines.size() < expected.seq()) {
            report.fail("expected-checkpoint", "the log has " + lines.size() + " records but the remembered checkpoint "
                    + "is record " + expected.seq() + " (" + expected.timeText() + "): records were removed from "
                    + "the end of the log");
        } else if (!lines.get((int) expected.seq() - 1).equals(expected.line())) {
            report.fail("expected-checkpoint", "line " + expected.seq() + " is not the remembered checkpoint ("
                    + expected.timeText() + "): the log was rewritten");
        } else {
            report.count("expectedCheckpointSeq", expected.seq());
        }
    }

    private static void checkRegistry(TrustBundle bundle, List<ReceiptAudit.VerifiedReceipt> receipts,
            Options options, X509Certificate registryCa, ChainVerifier.Result chain, StationCertificates certificates,
            AuditReport report) throws IOException {
        RegistryAudit registry = new RegistryAudit(bundle);
        List<RegistryAudit.Held> held = new ArrayList<>();
        receipts.forEach(receipt -> held.add(new RegistryAudit.Held(receipt.checkpoint(),
                "the checkpoint in " + receipt.source())));
        registry.compareHeld(held, report);
        Checkpoint remembered = null;
        if (options.registryCheckpoint() != null) {
            String source = "registry checkpoint " + options.registryCheckpoint();
            try {
                remembered = registry.verifyCheckpoint(Files.readString(options.registryCheckpoint(),
                        StandardCharsets.UTF_8), source);
            } catch (CheckpointException e) {
                report.fail("registry", e.getMessage());
                return;
            }
        }
        if (options.registry() == null) {
            if (remembered == null) {
                report.note("registry consistency not checked: give --registry URL or --registry-checkpoint FILE");
            } else {
                registry.checkAgainst(remembered, "registry checkpoint " + options.registryCheckpoint(), false, held,
                        null, report);
            }
            return;
        }
        RegistryLogClient client = new RegistryLogClient(options.registry(), registryCa);
        String source = "the registry's latest checkpoint";
        Checkpoint latest;
        try {
            latest = registry.verifyCheckpoint(client.checkpoint(), source);
        } catch (CheckpointException | RegistryLogClient.RegistryAnswerException e) {
            report.fail("registry", e.getMessage());
            return;
        }
        if (remembered != null) {
            held.add(new RegistryAudit.Held(remembered, "registry checkpoint " + options.registryCheckpoint()));
        }
        report.count("registryLogSize", latest.size());
        registry.checkAgainst(latest, source, true, held, client, report);
        StationDirectoryAudit.check(certificates.pinned(), chain.signers(), chain.records(), client, report);
        if (chain.intact()) {
            StationEntriesAudit.check(latest, client, stationIds(certificates, chain), chain.records(), report);
        } else {
            report.note("the registry's entries of this station were not compared with the log, whose chain is broken");
        }
    }

    /**
     * The ids of this station's trusted certificates: the pinned one's and each checkpoint signer's
     * (a re-enrolled station has one id per enrollment). Receipts must name one of them.
     */
    private static Set<String> signingIds(StationCertificates certificates, ChainVerifier.Result chain) {
        Set<String> ids = new HashSet<>();
        certificates.pinned().ifPresent(certificate -> ids.add(Certificates.commonName(certificate)));
        chain.signers().values().forEach(certificate -> ids.add(Certificates.commonName(certificate)));
        return ids;
    }

    /**
     * Every id this station has had, for finding its entries in the registry's log: its trusted
     * certificates' and those its {@code enrolled} records name.
     */
    private static Set<String> stationIds(StationCertificates certificates, ChainVerifier.Result chain) {
        Set<String> ids = signingIds(certificates, chain);
        chain.records().stream().filter(record -> record.event() == EventType.ENROLLED)
                .forEach(record -> ids.add(record.text(Field.STATION_ID).orElseThrow()));
        return ids;
    }
}
