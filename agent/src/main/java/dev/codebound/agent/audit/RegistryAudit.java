package dev.codebound.agent.audit;

import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.CheckpointException;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.NoteVerifier;
import dev.codebound.protocol.log.ProofException;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks that the registry's log only ever grew: every checkpoint the station holds (one per
 * receipt, plus any registry checkpoint the auditor remembered) must be a prefix of the registry's
 * latest checkpoint. With a live registry, each is proved by a consistency proof; offline, only
 * checkpoints of equal size can be compared, and the rest are reported as not checked. Checkpoints
 * of the same size must have the same root even with no registry at all: two roots for one size
 * are two different logs signed by the same key.
 */
final class RegistryAudit {
    /** A checkpoint the station or auditor holds, and where it came from. */
    record Held(Checkpoint checkpoint, String source) {}

    private final TrustBundle bundle;
    private final String origin;

    RegistryAudit(TrustBundle bundle) {
        this.bundle = bundle;
        this.origin = LogOrigins.forRegistry(bundle.registryName());
    }

    /**
     * Verifies a registry checkpoint note against the bundle's receipt-signing keys (which sign
     * checkpoints under the registry's log origin).
     *
     * @throws CheckpointException when no unrevoked key of the bundle signed it
     */
    Checkpoint verifyCheckpoint(String note, String source) throws CheckpointException {
        List<String> reasons = new ArrayList<>();
        for (X509Certificate signer : bundle.receiptSigning()) {
            if (bundle.isKeyRevoked(KeyPairs.keyId(signer.getPublicKey()))) {
                continue;
            }
            try {
                return Checkpoint.verify(note, new NoteVerifier(origin, signer.getPublicKey()), origin);
            } catch (CheckpointException e) {
                reasons.add(e.getMessage());
            }
        }
        throw new CheckpointException(source + " is not a checkpoint signed by the registry's log key: " + reasons);
    }

    /** Compares held checkpoints with each other only (no registry checkpoint available). */
    void compareHeld(List<Held> held, AuditReport report) {
        Map<Long, Held> bySize = new TreeMap<>();
        for (Held checkpoint : held) {
            Held other = bySize.putIfAbsent(checkpoint.checkpoint().size(), checkpoint);
            if (other != null && !sameRoot(other.checkpoint(), checkpoint.checkpoint())) {
                report.fail("registry", "the registry signed two different logs of size " + checkpoint.checkpoint().size()
                        + ": " + other.source() + " has root " + root(other.checkpoint()) + ", " + checkpoint.source()
                        + " has root " + root(checkpoint.checkpoint()));
            }
        }
    }

    /**
     * Checks every held checkpoint against {@code latest}: equal sizes must have equal roots; a
     * smaller one needs a consistency proof from {@code client} (null offline: reported as not
     * checked); a larger one means the registry's log shrank, unless {@code latest} is only a
     * remembered file, which may simply be old.
     */
    void checkAgainst(Checkpoint latest, String latestSource, boolean latestIsLive, List<Held> held,
            RegistryLogClient client, AuditReport report) throws IOException {
        long checked = 0;
        long notChecked = 0;
        Map<Long, Held> distinct = new TreeMap<>();
        held.forEach(checkpoint -> distinct.putIfAbsent(checkpoint.checkpoint().size(), checkpoint));
        for (Held checkpoint : distinct.values()) {
            long size = checkpoint.checkpoint().size();
            if (size == latest.size()) {
                if (!sameRoot(checkpoint.checkpoint(), latest)) {
                    report.fail("registry", "the registry signed two different logs of size " + size + ": "
                            + latestSource + " has root " + root(latest) + ", " + checkpoint.source() + " has root "
                            + root(checkpoint.checkpoint()));
                }
                checked++;
            } else if (size > latest.size()) {
                if (latestIsLive) {
                    report.fail("registry", "the registry's log shrank: " + latestSource + " is for size "
                            + latest.size() + " but " + checkpoint.source() + " is for size " + size);
                } else {
                    report.note("not checked: " + checkpoint.source() + " (size " + size + ") is newer than "
                            + latestSource + " (size " + latest.size() + ")");
                    notChecked++;
                }
            } else if (client == null) {
                report.note("not checked: consistency of " + checkpoint.source() + " (size " + size + ") with "
                        + latestSource + " (size " + latest.size() + ") needs a proof from the registry (--registry)");
                notChecked++;
            } else {
                proveConsistency(checkpoint, latest, latestSource, client, report);
                checked++;
            }
        }
        report.count("registryCheckpointsChecked", checked);
        report.count("registryCheckpointsNotChecked", notChecked);
    }

    private static void proveConsistency(Held old, Checkpoint latest, String latestSource, RegistryLogClient client,
            AuditReport report) throws IOException {
        long size = old.checkpoint().size();
        ConsistencyProof proof;
        try {
            proof = client.consistency(size, latest.size());
        } catch (RegistryLogClient.RegistryAnswerException e) {
            report.fail("registry", "the registry did not prove that its log of size " + latest.size() + " extends "
                    + old.source() + " (size " + size + "): " + e.getMessage());
            return;
        }
        try {
            proof.verify(old.checkpoint().rootHash(), latest.rootHash());
        } catch (ProofException e) {
            report.fail("registry", "the registry's log is not consistent with " + old.source() + " (size " + size
                    + "): its proof to " + latestSource + " (size " + latest.size() + ") does not verify ("
                    + e.getMessage() + "): the registry rewrote its history");
        }
    }

    private static boolean sameRoot(Checkpoint a, Checkpoint b) {
        return MessageDigest.isEqual(a.rootHash(), b.rootHash());
    }

    private static String root(Checkpoint checkpoint) {
        return Base64.getEncoder().encodeToString(checkpoint.rootHash());
    }
}
