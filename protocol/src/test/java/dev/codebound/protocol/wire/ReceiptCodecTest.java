package dev.codebound.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.MerkleHashes;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.protocol.log.NoteSigner;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TestRegistries;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReceiptCodecTest {
    static RegistryKeyring registry;
    static TrustBundle bundle;
    static Receipt receipt;

    @BeforeAll
    static void setUp() {
        registry = TestRegistries.create("Receipt Registry");
        bundle = registry.trustBundle(1, TestRegistries.NOW);
        receipt = new Receipt("Receipt Registry", "ab".repeat(32), 45_000, "cd".repeat(32), "BWXOKN2DXEO22UCE",
                "ST-0001", Instant.parse("2026-06-01T07:59:00Z"), TestRegistries.NOW, 2,
                KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey()), Optional.empty());
    }

    @Test
    void signedReceiptVerifiesAgainstTheTrustBundle() {
        byte[] signed = ReceiptCodec.sign(receipt, registry.receiptSigning());
        assertEquals(receipt, ReceiptCodec.verify(signed, bundle, "receipt.json"));
    }

    @Test
    void alteredReceiptIsRejected() {
        String signed = new String(ReceiptCodec.sign(receipt, registry.receiptSigning()), StandardCharsets.UTF_8);
        int at = signed.indexOf("\"signature\" : \"") + 20;
        String tampered = signed.substring(0, at) + (signed.charAt(at) == 'A' ? 'B' : 'A') + signed.substring(at + 1);
        PkiException e = assertThrows(PkiException.class,
                () -> ReceiptCodec.verify(tampered.getBytes(StandardCharsets.UTF_8), bundle, "r.json"));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void receiptFromAnotherRegistryOrRevokedKeyIsRejected() {
        RegistryKeyring forger = TestRegistries.create("Receipt Registry");
        Receipt forged = new Receipt(receipt.registry(), receipt.envelopeSha256(), 1, receipt.photoSha256(),
                receipt.codeId(), receipt.stationId(), receipt.captureTime(), receipt.acceptedAt(), 1,
                KeyPairs.keyIdHex(forger.receiptSigning().certificate().getPublicKey()), Optional.empty());
        PkiException unknown = assertThrows(PkiException.class, () -> ReceiptCodec.verify(
                ReceiptCodec.sign(forged, forger.receiptSigning()), bundle, "r.json"));
        assertTrue(unknown.getMessage().contains("not a receipt-signing key"), unknown.getMessage());

        TrustBundle revoked = registry.trustBundle(2, TestRegistries.NOW, Set.of(receipt.signingKeyId()), Set.of(),
                Set.of());
        assertThrows(PkiException.class, () -> ReceiptCodec.verify(
                ReceiptCodec.sign(receipt, registry.receiptSigning()), revoked, "r.json"));
    }

    @Test
    void aTrustBundleSignatureCannotPassAsAReceipt() {
        byte[] bundleBytes = TrustBundleCodec.sign(bundle, registry.authority().privateKey());
        PkiException e = assertThrows(PkiException.class, () -> ReceiptCodec.verify(bundleBytes, bundle, "x.json"));
        assertTrue(e.getMessage().contains("unsupported format"), e.getMessage());
    }

    @Test
    void logInclusionIsVerifiedAgainstTheSignedCheckpoint() throws Exception {
        String origin = LogOrigins.forRegistry(bundle.registryName());
        NoteSigner signer = new NoteSigner(origin, registry.receiptSigning().privateKey(),
                registry.receiptSigning().certificate().getPublicKey());
        MerkleTree tree = new MerkleTree();
        tree.append(MerkleHashes.leafHash(new byte[] {1}));
        long index = tree.append(receipt.logEntry().leafHash());
        tree.append(MerkleHashes.leafHash(new byte[] {2}));
        String checkpoint = new Checkpoint(origin, tree.size(), tree.rootHash()).sign(signer);
        Receipt logged = withLog(new LogInclusion(index, tree.size(), tree.inclusionProof(index, tree.size()).hashes(),
                checkpoint));

        Receipt read = ReceiptCodec.verify(ReceiptCodec.sign(logged, registry.receiptSigning()), bundle, "r.json");
        assertEquals(logged, read);
        assertEquals(3, ReceiptCodec.verifyLogInclusion(read, bundle, "r.json").size());

        Receipt otherEntry = withLog(new LogInclusion(0, tree.size(), tree.inclusionProof(0, tree.size()).hashes(),
                checkpoint));
        PkiException wrongProof = assertThrows(PkiException.class,
                () -> ReceiptCodec.verifyLogInclusion(otherEntry, bundle, "r.json"));
        assertTrue(wrongProof.getMessage().contains("is not in the log at index 0"), wrongProof.getMessage());

        RegistryKeyring stranger = TestRegistries.create("Receipt Registry");
        String foreign = new Checkpoint(origin, tree.size(), tree.rootHash()).sign(new NoteSigner(origin,
                stranger.receiptSigning().privateKey(), stranger.receiptSigning().certificate().getPublicKey()));
        Receipt forgedCheckpoint = withLog(new LogInclusion(index, tree.size(),
                tree.inclusionProof(index, tree.size()).hashes(), foreign));
        PkiException bad = assertThrows(PkiException.class,
                () -> ReceiptCodec.verifyLogInclusion(forgedCheckpoint, bundle, "r.json"));
        assertTrue(bad.getMessage().contains("checkpoint does not verify"), bad.getMessage());
    }

    private static Receipt withLog(LogInclusion log) {
        return new Receipt(receipt.registry(), receipt.envelopeSha256(), receipt.envelopeLength(),
                receipt.photoSha256(), receipt.codeId(), receipt.stationId(), receipt.captureTime(),
                receipt.acceptedAt(), receipt.photoVersion(), receipt.signingKeyId(), Optional.of(log));
    }
}
