package dev.codebound.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.MerkleHashes;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.protocol.log.NoteSigner;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests for the wire formats both sides read from the network: tus {@code Upload-Metadata}
 * and {@code Upload-Checksum}, problem bodies, and the registry's signed receipts with their log
 * inclusion (docs/security-fuzzing.md). Receipt seeds are signed with the committed test-vector
 * keys of {@code vectors/code/registry}; {@link #main} writes them again.
 */
class WireFuzzTest {
    private static final Path REGISTRY = Path.of("src/test/resources/vectors/code/registry");
    private static final Path INPUTS = Path.of("src/test/resources/dev/codebound/protocol/wire/WireFuzzTestInputs");
    private static final Instant ISSUED = Instant.parse("2027-06-01T00:00:00Z");

    private static RegistryKeyring registry;
    private static TrustBundle bundle;
    /** The log the seed receipt's checkpoint describes: three entries, the receipt's at index 1. */
    private static MerkleTree tree;

    @BeforeAll
    static void load() throws Exception {
        registry = RegistryKeyring.load(REGISTRY, null);
        bundle = registry.trustBundle(1, ISSUED);
        tree = seedTree(seedReceipt(Optional.empty()));
    }

    /** Upload-Metadata: only WireFormatException escapes; what parses encodes to a header that parses the same. */
    @FuzzTest(maxDuration = "60s")
    void uploadMetadata(byte[] input) throws WireFormatException {
        UploadMetadata metadata;
        try {
            metadata = UploadMetadata.parse(new String(input, StandardCharsets.UTF_8));
        } catch (WireFormatException e) {
            return;
        }
        assertTrue(metadata.asMap().size() <= UploadMetadata.MAX_PAIRS);
        String encoded = metadata.encode();
        assertEquals(metadata.asMap(), UploadMetadata.parse(encoded).asMap());
        assertEquals(encoded, UploadMetadata.parse(encoded).encode());
    }

    /** Upload-Checksum: only WireFormatException escapes; what parses has the algorithm's digest length and round-trips. */
    @FuzzTest(maxDuration = "60s")
    void uploadChecksum(byte[] input) throws WireFormatException {
        UploadChecksum checksum;
        try {
            checksum = UploadChecksum.parse(new String(input, StandardCharsets.UTF_8));
        } catch (WireFormatException e) {
            return;
        }
        assertEquals(checksum.algorithm().equals("sha256") ? 32 : 20, checksum.digest().length);
        assertEquals(checksum, UploadChecksum.parse(checksum.algorithm() + " "
                + Base64.getEncoder().encodeToString(checksum.digest())));
        assertEquals(checksum.newDigest().getDigestLength(), checksum.digest().length);
    }

    /** Problem bodies: only WireFormatException escapes; what parses round-trips through its JSON. */
    @FuzzTest(maxDuration = "60s")
    void problem(byte[] json) throws WireFormatException {
        Problem problem;
        try {
            problem = Problem.fromJson(json);
        } catch (WireFormatException e) {
            return;
        }
        assertEquals(problem, Problem.fromJson(problem.toJson()));
    }

    /**
     * A signed receipt as received: only PkiException escapes, and whatever verifies is the seed
     * receipt itself (the fuzzer does not hold the receipt-signing key).
     */
    @FuzzTest(maxDuration = "60s")
    void receipt(byte[] signed) {
        Receipt receipt;
        try {
            receipt = ReceiptCodec.verify(signed, bundle, "fuzz");
        } catch (PkiException e) {
            return;
        }
        assertTrue(receipt.equals(seedReceipt(Optional.empty())) || receipt.equals(loggedSeedReceipt()),
                "a receipt the registry never signed verified: " + receipt);
        try {
            ReceiptCodec.verifyLogInclusion(receipt, bundle, "fuzz");
        } catch (PkiException e) {
            // documented refusal
        }
    }

    /**
     * A receipt payload the registry's key signs here, so that the fuzzer reaches every check after
     * the signature: only PkiException escapes; what verifies round-trips; and a log inclusion that
     * verifies names the entry really at that index of the one log whose checkpoint the registry
     * signed (the fuzzer cannot sign checkpoints).
     */
    @FuzzTest(maxDuration = "60s")
    void receiptPayload(byte[] payload) {
        byte[] signed = SignedJson.sign(ReceiptCodec.FORMAT, payload, registry.receiptSigning().privateKey());
        Receipt receipt;
        try {
            receipt = ReceiptCodec.verify(signed, bundle, "fuzz");
        } catch (PkiException e) {
            return;
        }
        assertEquals(receipt, ReceiptCodec.verify(ReceiptCodec.sign(receipt, registry.receiptSigning()), bundle,
                "fuzz"));
        Checkpoint checkpoint;
        try {
            checkpoint = ReceiptCodec.verifyLogInclusion(receipt, bundle, "fuzz");
        } catch (PkiException e) {
            return;
        }
        LogInclusion log = receipt.log().orElseThrow();
        assertEquals(tree.size(), checkpoint.size());
        assertArrayEquals(tree.rootHash(), checkpoint.rootHash());
        assertTrue(log.leafIndex() < tree.size());
        assertArrayEquals(tree.leafHash(log.leafIndex()), receipt.logEntry().leafHash(),
                "a log inclusion verified for an entry that is not in the log at index " + log.leafIndex());
    }

    // --- seeds ---

    static Receipt seedReceipt(Optional<LogInclusion> log) {
        return new Receipt(registry.registryName(), "ab".repeat(32), 45_000, "cd".repeat(32), "BWXOKN2DXEO22UCE",
                "ST-0001", Instant.parse("2027-06-01T08:59:00Z"), Instant.parse("2027-06-01T09:00:00Z"), 1,
                KeyPairs.keyIdHex(registry.receiptSigning().certificate().getPublicKey()), log);
    }

    private static MerkleTree seedTree(Receipt receipt) {
        MerkleTree seed = new MerkleTree();
        seed.append(MerkleHashes.leafHash(new byte[] {1}));
        seed.append(receipt.logEntry().leafHash());
        seed.append(MerkleHashes.leafHash(new byte[] {2}));
        return seed;
    }

    /** The seed receipt with its inclusion at index 1; its checkpoint is the committed one. */
    private static Receipt loggedSeedReceipt() {
        try {
            byte[] signed = Files.readAllBytes(INPUTS.resolve("receipt/logged-receipt.json"));
            return ReceiptCodec.verify(signed, bundle, "seed");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes the receipt seeds (run from the protocol module directory). */
    public static void main(String[] args) throws Exception {
        load();
        String origin = LogOrigins.forRegistry(bundle.registryName());
        NoteSigner signer = new NoteSigner(origin, registry.receiptSigning().privateKey(),
                registry.receiptSigning().certificate().getPublicKey());
        String checkpoint = new Checkpoint(origin, tree.size(), tree.rootHash()).sign(signer);
        Receipt plain = seedReceipt(Optional.empty());
        Receipt logged = seedReceipt(Optional.of(new LogInclusion(1, tree.size(), tree.inclusionProof(1,
                tree.size()).hashes(), checkpoint)));
        Files.createDirectories(INPUTS.resolve("receipt"));
        Files.createDirectories(INPUTS.resolve("receiptPayload"));
        Files.write(INPUTS.resolve("receipt/receipt.json"), ReceiptCodec.sign(plain, registry.receiptSigning()));
        byte[] signedLogged = ReceiptCodec.sign(logged, registry.receiptSigning());
        Files.write(INPUTS.resolve("receipt/logged-receipt.json"), signedLogged);
        Files.write(INPUTS.resolve("receiptPayload/receipt.json"),
                SignedJson.parse(ReceiptCodec.sign(plain, registry.receiptSigning()), ReceiptCodec.FORMAT, "seed")
                        .payloadJson("seed").toString().getBytes(StandardCharsets.UTF_8));
        Files.write(INPUTS.resolve("receiptPayload/logged-receipt.json"),
                SignedJson.parse(signedLogged, ReceiptCodec.FORMAT, "seed").payloadJson("seed").toString()
                        .getBytes(StandardCharsets.UTF_8));
    }
}
