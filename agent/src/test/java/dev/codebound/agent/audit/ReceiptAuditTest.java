package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.protocol.wire.LogInclusion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts that lie, receipts that go missing, and registries that rewrite or roll back their log. */
class ReceiptAuditTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    AuditFixture station;
    List<AuditFixture.Delivery> deliveries = new ArrayList<>();

    @BeforeEach
    void threeDeliveries() throws Exception {
        station = new AuditFixture(root.resolve("home"));
        try (TransferLog log = TransferLog.open(station.home, Clock.systemUTC(), AuditFixture.STATION)) {
            for (int i = 0; i < 3; i++) {
                deliveries.add(station.deliver(log));
            }
        }
        assertTrue(verify(null, null).ok());
    }

    @Test
    void aForgedReceiptIsCaughtByItsSignature() throws Exception {
        AuditFixture.Delivery delivery = deliveries.get(1);
        ObjectNode outer = (ObjectNode) JSON.readTree(delivery.receipt());
        ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(outer.get("payload").asText()));
        payload.put("photoVersion", 2);
        outer.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(payload)));
        writeReceipt(delivery.entryId(), JSON.writeValueAsBytes(outer));

        AuditReport report = verify(null, null);
        assertFailure(report, "receipt signature: receipts/" + delivery.entryId()
                + ".json: the receipt's signature does not verify: it was altered or forged");
    }

    @Test
    void aReceiptWhoseProofIsForAnotherEntryIsCaught() throws Exception {
        AuditFixture.Delivery delivery = deliveries.get(2);
        AuditFixture.Delivery other = deliveries.get(0);
        LogInclusion othersProof = station.inclusion(other.leafIndex(), station.registryLog.size(),
                AuditFixture.REGISTRY.receiptSigning().privateKey(),
                AuditFixture.REGISTRY.receiptSigning().certificate().getPublicKey());
        writeReceipt(delivery.entryId(), AuditFixture.receipt(delivery.entryId(), delivery.codeId(),
                delivery.photoSha256(), delivery.length(), othersProof));

        assertFailure(verify(null, null), "receipt log inclusion: receipts/" + delivery.entryId()
                + ".json: the receipt's entry is not in the log at index " + other.leafIndex());
    }

    @Test
    void aReceiptWhoseCheckpointTheRegistryDidNotSignIsCaught() throws Exception {
        AuditFixture.Delivery delivery = deliveries.get(0);
        KeyPair stranger = AuditFixture.strangerKey();
        writeReceipt(delivery.entryId(), AuditFixture.receipt(delivery.entryId(), delivery.codeId(),
                delivery.photoSha256(), delivery.length(), station.inclusion(delivery.leafIndex(),
                        station.registryLog.size(), stranger.getPrivate(), stranger.getPublic())));

        assertFailure(verify(null, null), "receipt log inclusion: receipts/" + delivery.entryId()
                + ".json: the receipt's checkpoint does not verify");
    }

    @Test
    void aReplacedReceiptAMissingOneAndAnUnloggedOneAreCaught() throws Exception {
        AuditFixture.Delivery replaced = deliveries.get(0);
        byte[] reissued = AuditFixture.receipt(replaced.entryId(), replaced.codeId(), replaced.photoSha256(),
                replaced.length(), station.inclusion(replaced.leafIndex(), station.registryLog.size(),
                        AuditFixture.REGISTRY.receiptSigning().privateKey(),
                        AuditFixture.REGISTRY.receiptSigning().certificate().getPublicKey()));
        writeReceipt(replaced.entryId(), reissued);
        Files.delete(station.home.receipts().resolve(deliveries.get(1).entryId() + ".json"));
        String unlogged = AuditFixture.randomSha256();
        LogEntry entry = new LogEntry(HexFormat.of().parseHex(unlogged), AuditFixture.codeId(),
                AuditFixture.STATION.stationId(), AuditFixture.NOW);
        long index = station.registryLog.append(AuditFixture.known(entry).leafHash());
        writeReceipt(unlogged, AuditFixture.receipt(unlogged, entry.codeId(), AuditFixture.randomSha256(), 1000,
                station.inclusion(index, station.registryLog.size(), AuditFixture.REGISTRY.receiptSigning().privateKey(),
                        AuditFixture.REGISTRY.receiptSigning().certificate().getPublicKey())));

        AuditReport report = verify(null, null);
        assertFailure(report, "the log recorded " + Sha256.hex(replaced.receipt()) + ": the receipt was replaced");
        assertFailure(report, "no verified receipt is stored for entry " + deliveries.get(1).entryId());
        assertFailure(report, "receipts/" + unlogged + ".json: the log has no 'delivered' record for entry " + unlogged);
    }

    @Test
    void anHonestRegistryProvesEveryReceiptCheckpoint() throws Exception {
        MerkleTree grown = copy(station.registryLog, 3);
        grown.append(AuditFixture.randomLeaf());
        grown.append(AuditFixture.randomLeaf());
        try (FakeRegistryLog registry = new FakeRegistryLog()) {
            registry.serve(grown, AuditFixture.registryCheckpoint(grown, 5));
            AuditReport report = verify(registry.url(), null);
            assertTrue(report.ok(), report.toText());
            assertEquals(3L, report.counts().get("registryCheckpointsChecked"));
            assertEquals(5L, report.counts().get("registryLogSize"));
        }
    }

    @Test
    void aListingThatHidesAnEntryOfTheStationDoesNotMatchTheSignedRoot() throws Exception {
        try (FakeRegistryLog registry = new FakeRegistryLog()) {
            registry.serve(station.registryLog, AuditFixture.registryCheckpoint(station.registryLog, 3)).disguise(1);
            assertFailure(verify(registry.url(), null), "registry-entries: the registry's listing of its 3 log entries "
                    + "does not hash to the root of its signed checkpoint");
        }
    }

    @Test
    void aRegistryThatRewroteItsHistoryIsCaught() throws Exception {
        MerkleTree forked = copy(station.registryLog, 1);
        for (int i = 0; i < 4; i++) {
            forked.append(AuditFixture.randomLeaf());
        }
        try (FakeRegistryLog registry = new FakeRegistryLog()) {
            registry.serve(forked, AuditFixture.registryCheckpoint(forked, 5));
            AuditReport report = verify(registry.url(), null);
            assertFailure(report, "the registry's log is not consistent with the checkpoint in receipts/"
                    + deliveries.get(1).entryId() + ".json (size 2)");
            assertFailure(report, "the registry rewrote its history");
            assertEquals(2, report.failures().size(), "sizes 2 and 3 diverge, size 1 is shared: " + report.toText());
        }
    }

    @Test
    void aRegistryThatRolledBackRefusesToProveOrSignsWithAnotherKeyIsCaught() throws Exception {
        try (FakeRegistryLog registry = new FakeRegistryLog()) {
            registry.serve(station.registryLog, AuditFixture.registryCheckpoint(station.registryLog, 2));
            assertFailure(verify(registry.url(), null), "the registry's log shrank");

            MerkleTree grown = copy(station.registryLog, 3);
            grown.append(AuditFixture.randomLeaf());
            registry.serve(grown, AuditFixture.registryCheckpoint(grown, 4)).proofStatus(500);
            assertFailure(verify(registry.url(), null), "the registry did not prove that its log of size 4 extends");

            KeyPair stranger = AuditFixture.strangerKey();
            registry.serve(grown, AuditFixture.checkpoint(grown, 4, stranger.getPrivate(), stranger.getPublic()));
            assertFailure(verify(registry.url(), null), "is not a checkpoint signed by the registry's log key");
        }
    }

    @Test
    void offlineASavedRegistryCheckpointIsComparedWhereItCanBe() throws Exception {
        Path saved = root.resolve("registry-checkpoint.txt");
        Files.writeString(saved, AuditFixture.registryCheckpoint(station.registryLog, 3));
        AuditReport report = verify(null, saved);
        assertTrue(report.ok(), report.toText());
        assertEquals(1L, report.counts().get("registryCheckpointsChecked"));
        assertEquals(2L, report.counts().get("registryCheckpointsNotChecked"));
        assertTrue(report.notes().stream().anyMatch(note -> note.startsWith("not checked: consistency of")),
                report.toText());

        MerkleTree forked = copy(station.registryLog, 2);
        forked.append(AuditFixture.randomLeaf());
        Files.writeString(saved, AuditFixture.registryCheckpoint(forked, 3));
        assertFailure(verify(null, saved), "the registry signed two different logs of size 3");
    }

    private static MerkleTree copy(MerkleTree tree, long size) {
        MerkleTree copy = new MerkleTree();
        for (long i = 0; i < size; i++) {
            copy.append(tree.leafHash(i));
        }
        return copy;
    }

    private void writeReceipt(String entryId, byte[] receipt) throws Exception {
        Files.write(station.home.receipts().resolve(entryId + ".json"), receipt);
    }

    private AuditReport verify(java.net.URI registry, Path registryCheckpoint) throws Exception {
        return LogVerifier.verify(station.home, new LogVerifier.Options(registry, registryCheckpoint, null));
    }

    private static void assertFailure(AuditReport report, String fragment) {
        assertFalse(report.ok(), "expected a failure containing: " + fragment);
        assertTrue(report.failures().stream().anyMatch(failure -> failure.toString().contains(fragment)),
                "no failure contains '" + fragment + "':\n" + report.toText());
        assertTrue(new String(report.toJson().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                .contains("\"ok\":false"));
    }
}
