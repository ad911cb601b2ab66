package dev.codebound.agent.audit;

import dev.codebound.protocol.pki.PkiException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the transfer log line by line: each line is a canonical record, its seq follows the one
 * before, its {@code prev} is the SHA-256 of the line before, its {@code hash} matches its content,
 * and each checkpoint is a valid signature over exactly the records before it, by a key that is this
 * station's ({@link SignerTrust}). Stops at the first bad line, because everything after it is
 * suspect and a cascade of follow-on errors would hide the one that matters.
 */
final class ChainVerifier {
    /**
     * The records that passed, in order, with the SHA-256 of each line, and each checkpoint's
     * signing certificate by seq.
     */
    record Result(List<TransferRecord> records, List<String> lineHashes, Map<Long, X509Certificate> signers,
            boolean intact) {
        TransferRecord lastCheckpoint() {
            for (int i = records.size() - 1; i >= 0; i--) {
                if (records.get(i).event() == EventType.CHECKPOINT) {
                    return records.get(i);
                }
            }
            return null;
        }
    }

    private final StationCertificates certificates;
    private final Map<Long, X509Certificate> signers = new HashMap<>();

    ChainVerifier(StationCertificates certificates) {
        this.certificates = certificates;
    }

    Result verify(LogFiles.Content content, AuditReport report) {
        List<TransferRecord> records = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        String previous = Sha256.ZERO;
        AuditReport.Failure broken = null;
        for (String line : content.lines()) {
            long lineNumber = records.size() + 1;
            String problem;
            TransferRecord record = null;
            try {
                record = RecordParser.parse(line);
                problem = check(record, lineNumber, previous);
            } catch (RecordParser.MalformedRecordException e) {
                problem = "not a well-formed record: " + e.getMessage();
            }
            if (problem != null) {
                broken = new AuditReport.Failure("chain", record == null ? 0 : record.seq(), lineNumber, problem);
                break;
            }
            records.add(record);
            previous = Sha256.hex(line.getBytes(StandardCharsets.UTF_8));
            hashes.add(previous);
        }
        // A checkpoint by another station's key is the earliest bad line: it cannot vouch for anything.
        Optional<SignerTrust.Untrusted> untrusted = SignerTrust.firstUntrusted(certificates.pinned(), records,
                signers);
        if (untrusted.isPresent()) {
            long seq = untrusted.get().checkpoint().seq();
            broken = new AuditReport.Failure("chain", seq, seq, "checkpoint signer cannot be trusted: "
                    + untrusted.get().reason());
            records = new ArrayList<>(records.subList(0, (int) seq - 1));
            hashes = new ArrayList<>(hashes.subList(0, (int) seq - 1));
            signers.keySet().removeIf(checkpointSeq -> checkpointSeq >= seq);
        }
        boolean intact = broken == null;
        if (!intact) {
            report.fail(broken.check(), broken.seq(), broken.line(), broken.message());
            if (records.size() + 1 < content.lines().size()) {
                report.note("lines " + (records.size() + 2) + ".." + content.lines().size() + " were not checked: "
                        + "nothing after the first bad line can be trusted");
            }
        }
        if (content.torn()) {
            report.note("the log ends in an incomplete line of " + content.tail().length + " bytes (a write torn by a "
                    + "crash, or a truncated copy); the station discards and records it the next time it opens the log");
        }
        return new Result(records, hashes, Map.copyOf(signers), intact);
    }

    /** The problem with a parsed record, or null. */
    private String check(TransferRecord record, long lineNumber, String previous) {
        if (record.seq() != lineNumber) {
            return record.seq() > lineNumber
                    ? "seq " + record.seq() + " where " + lineNumber + " was expected: " + (record.seq() - 1 > lineNumber
                            ? "records " + lineNumber + ".." + (record.seq() - 1) + " were removed"
                            : "record " + lineNumber + " was removed") + ", or records were reordered"
                    : "seq " + record.seq() + " where " + lineNumber + " was expected; line " + record.seq()
                            + " already had seq " + record.seq() + ": a record was inserted before this one, or "
                            + "this one was duplicated or moved here";
        }
        if (!record.prev().equals(previous)) {
            return lineNumber == 1 ? "the first record's prev is not 64 zeros: records before it were removed"
                    : "prev does not match line " + (lineNumber - 1) + ": the record before it was altered or "
                            + "replaced";
        }
        if (!record.hash().equals(record.computedHash())) {
            return "hash does not match the record's content: the record was altered";
        }
        return record.event() == EventType.CHECKPOINT ? checkCheckpoint(record) : null;
    }

    private String checkCheckpoint(TransferRecord checkpoint) {
        if (checkpoint.number(Field.SIZE) != checkpoint.seq() - 1) {
            return "checkpoint covers " + checkpoint.number(Field.SIZE) + " records but stands at seq "
                    + checkpoint.seq();
        }
        if (!checkpoint.text(Field.HEAD).orElseThrow().equals(checkpoint.prev())) {
            return "checkpoint head differs from its prev";
        }
        String fingerprint = checkpoint.text(Field.CERT_FINGERPRINT).orElseThrow();
        X509Certificate certificate;
        try {
            certificate = certificates.find(fingerprint, checkpoint.time());
        } catch (PkiException e) {
            return "checkpoint signer cannot be trusted: " + e.getMessage();
        }
        if (!StationCheckpoint.verify(checkpoint, certificate.getPublicKey())) {
            return "checkpoint signature does not verify with station certificate " + fingerprint
                    + ": the records it covers were rewritten, or the checkpoint was forged";
        }
        signers.put(checkpoint.seq(), certificate);
        return null;
    }
}
