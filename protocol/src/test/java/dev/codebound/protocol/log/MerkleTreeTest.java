package dev.codebound.protocol.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The leaf inputs of Certificate Transparency's reference Merkle tree tests. */
    private static final List<byte[]> CT_LEAVES = List.of(hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"),
            hex("40414243"), hex("5051525354555657"), hex("606162636465666768696a6b6c6d6e6f"));

    /** The published roots of the first 1..8 CT leaves. */
    private static final List<String> CT_ROOTS = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    @Test
    void emptyTreeRootIsSha256OfNothing() {
        String sha256OfEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assertEquals(sha256OfEmpty, HEX.formatHex(MerkleHashes.emptyRoot()));
        assertEquals(sha256OfEmpty, HEX.formatHex(new MerkleTree().rootHash()));
    }

    @Test
    void certificateTransparencyReferenceRoots() {
        MerkleTree tree = treeOf(CT_LEAVES);
        for (int size = 1; size <= 8; size++) {
            assertEquals(CT_ROOTS.get(size - 1), HEX.formatHex(tree.rootHash(size)), "root of " + size);
        }
    }

    @Test
    void smallRootsComputedByHand() {
        // Size 1: SHA-256(0x00 || "") = SHA-256(00).
        byte[] leaf0 = NaiveMerkle.sha256(hex("00"));
        // Size 2: SHA-256(0x01 || SHA-256(00) || SHA-256(00 00)); the second leaf is the byte 0x00.
        byte[] leaf1 = NaiveMerkle.sha256(hex("0000"));
        byte[] root2 = NaiveMerkle.sha256(hex("01"), leaf0, leaf1);
        // Size 3: the first two leaves form a perfect subtree; the third (0x10) hangs off the right.
        byte[] leaf2 = NaiveMerkle.sha256(hex("0010"));
        byte[] root3 = NaiveMerkle.sha256(hex("01"), root2, leaf2);

        MerkleTree tree = treeOf(CT_LEAVES.subList(0, 3));
        assertArrayEquals(leaf0, tree.rootHash(1));
        assertArrayEquals(root2, tree.rootHash(2));
        assertArrayEquals(root3, tree.rootHash(3));
        assertEquals(CT_ROOTS.get(1), HEX.formatHex(root2));
        assertEquals(CT_ROOTS.get(2), HEX.formatHex(root3));
    }

    @Test
    void certificateTransparencyReferenceInclusionPath() {
        InclusionProof proof = treeOf(CT_LEAVES).inclusionProof(0, 8);
        assertEquals(List.of("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
                proof.hashes().stream().map(HEX::formatHex).toList());
    }

    @Test
    void everyInclusionProofUpToTwentyLeavesMatchesTheReference() throws ProofException {
        List<byte[]> data = leafData(20);
        MerkleTree tree = treeOf(data);
        for (int size = 1; size <= 20; size++) {
            byte[] root = NaiveMerkle.mth(data.subList(0, size));
            assertArrayEquals(root, tree.rootHash(size), "root of " + size);
            for (int index = 0; index < size; index++) {
                InclusionProof proof = tree.inclusionProof(index, size);
                assertEquals(new InclusionProof(index, size, NaiveMerkle.path(index, data.subList(0, size))), proof,
                        "path " + index + " of " + size);
                proof.verify(NaiveMerkle.leaf(data.get(index)), root);
            }
        }
    }

    @Test
    void everyConsistencyProofUpToTwentyLeavesMatchesTheReference() throws ProofException {
        List<byte[]> data = leafData(20);
        MerkleTree tree = treeOf(data);
        for (int newSize = 0; newSize <= 20; newSize++) {
            byte[] newRoot = NaiveMerkle.mth(data.subList(0, newSize));
            for (int oldSize = 0; oldSize <= newSize; oldSize++) {
                ConsistencyProof proof = tree.consistencyProof(oldSize, newSize);
                List<byte[]> expected = oldSize == 0 || oldSize == newSize ? List.of()
                        : NaiveMerkle.proof(oldSize, data.subList(0, newSize));
                assertEquals(new ConsistencyProof(oldSize, newSize, expected), proof, oldSize + " -> " + newSize);
                proof.verify(NaiveMerkle.mth(data.subList(0, oldSize)), newRoot);
            }
        }
    }

    @Test
    void everyFlippedByteInAnInclusionProofIsRejected() {
        List<byte[]> data = leafData(20);
        MerkleTree tree = treeOf(data);
        for (int n = 1; n <= 20; n++) {
            long size = n;
            byte[] root = tree.rootHash(size);
            for (int i = 0; i < n; i++) {
                long index = i;
                List<byte[]> path = tree.inclusionProof(index, size).hashes();
                byte[] leaf = tree.leafHash(index);
                for (int h = 0; h < path.size(); h++) {
                    List<byte[]> tampered = new ArrayList<>(path);
                    byte[] bad = path.get(h).clone();
                    bad[h % 32] ^= 0x01;
                    tampered.set(h, bad);
                    assertRejected("leads to root", () -> MerkleProofs.verifyInclusion(leaf, index,
                            size, tampered, root));
                }
                byte[] badLeaf = leaf.clone();
                badLeaf[31] ^= (byte) 0x80;
                assertRejected("leads to root", () -> MerkleProofs.verifyInclusion(badLeaf, index, size, path, root));
            }
        }
    }

    @Test
    void anInclusionProofForAnotherIndexIsRejected() {
        MerkleTree tree = treeOf(leafData(20));
        byte[] root = tree.rootHash(20);
        for (int i = 0; i < 20; i++) {
            long index = i;
            List<byte[]> path = tree.inclusionProof(index, 20).hashes();
            for (int other = 0; other < 20; other++) {
                if (other != index) {
                    int claimed = other;
                    assertThrows(ProofException.class, () -> MerkleProofs.verifyInclusion(tree.leafHash(index), claimed,
                            20, path, root), index + " claimed as " + other);
                }
            }
        }
    }

    @Test
    void malformedInclusionProofsAreRejectedWithSpecificMessages() {
        MerkleTree tree = treeOf(leafData(8));
        byte[] root = tree.rootHash();
        byte[] leaf = tree.leafHash(5);
        List<byte[]> path = tree.inclusionProof(5, 8).hashes();

        assertRejected("needs exactly 3", () -> MerkleProofs.verifyInclusion(leaf, 5, 8, path.subList(0, 2), root));
        List<byte[]> longer = new ArrayList<>(path);
        longer.add(root);
        assertRejected("needs exactly 3", () -> MerkleProofs.verifyInclusion(leaf, 5, 8, longer, root));
        assertRejected("not below the tree size 8", () -> MerkleProofs.verifyInclusion(leaf, 8, 8, path, root));
        assertRejected("not below the tree size 0", () -> MerkleProofs.verifyInclusion(leaf, 0, 0, List.of(), root));
        assertRejected("is negative", () -> MerkleProofs.verifyInclusion(leaf, -1, 8, path, root));
        assertRejected("needs exactly 4", () -> MerkleProofs.verifyInclusion(leaf, 5, 9, path, root));
        List<byte[]> shortHash = new ArrayList<>(path);
        shortHash.set(1, new byte[31]);
        assertRejected("hash 1 is 31 bytes", () -> MerkleProofs.verifyInclusion(leaf, 5, 8, shortHash, root));
        assertRejected("root hash is 0 bytes", () -> MerkleProofs.verifyInclusion(leaf, 5, 8, path, new byte[0]));
        assertRejected("leaf hash is missing", () -> MerkleProofs.verifyInclusion(null, 5, 8, path, root));
        assertRejected("leads to root", () -> MerkleProofs.verifyInclusion(leaf, 5, 8, path, tree.rootHash(7)));
    }

    @Test
    void tamperedConsistencyProofsAreRejected() {
        List<byte[]> data = leafData(20);
        MerkleTree tree = treeOf(data);
        for (int newSize = 2; newSize <= 20; newSize++) {
            for (int oldSize = 1; oldSize < newSize; oldSize++) {
                byte[] oldRoot = tree.rootHash(oldSize);
                byte[] newRoot = tree.rootHash(newSize);
                List<byte[]> proof = tree.consistencyProof(oldSize, newSize).hashes();
                int m = oldSize;
                int n = newSize;
                for (int h = 0; h < proof.size(); h++) {
                    List<byte[]> tampered = new ArrayList<>(proof);
                    byte[] bad = proof.get(h).clone();
                    bad[0] ^= 0x40;
                    tampered.set(h, bad);
                    assertRejected("reproduces", () -> MerkleProofs.verifyConsistency(m, n, oldRoot, newRoot, tampered));
                }
                assertRejected("needs exactly", () -> MerkleProofs.verifyConsistency(m, n, oldRoot, newRoot,
                        proof.subList(0, proof.size() - 1)));
                assertRejected("reproduces", () -> MerkleProofs.verifyConsistency(m, n, newRoot, newRoot, proof));
                assertRejected("reproduces", () -> MerkleProofs.verifyConsistency(m, n, oldRoot, oldRoot, proof));
            }
        }
    }

    @Test
    void malformedConsistencyProofsAreRejectedWithSpecificMessages() {
        MerkleTree tree = treeOf(leafData(8));
        byte[] r3 = tree.rootHash(3);
        byte[] r8 = tree.rootHash(8);
        List<byte[]> proof = tree.consistencyProof(3, 8).hashes();

        assertRejected("old tree size 8 is larger than the new tree size 3",
                () -> MerkleProofs.verifyConsistency(8, 3, r8, r3, proof));
        assertRejected("must not be negative", () -> MerkleProofs.verifyConsistency(-1, 8, r3, r8, proof));
        assertRejected("needs exactly 0", () -> MerkleProofs.verifyConsistency(8, 8, r8, r8, proof));
        assertRejected("have different roots", () -> MerkleProofs.verifyConsistency(8, 8, r8, r3, List.of()));
        assertRejected("empty string", () -> MerkleProofs.verifyConsistency(0, 8, r3, r8, List.of()));
        assertRejected("needs exactly 4", () -> MerkleProofs.verifyConsistency(3, 7, r3, r8, proof.subList(0, 3)));
        assertRejected("old root hash is 31 bytes", () -> MerkleProofs.verifyConsistency(3, 8, new byte[31], r8, proof));
    }

    @Test
    void generationRefusesSizesTheTreeHasNotReached() {
        MerkleTree tree = treeOf(leafData(5));
        assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(5, 5));
        assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(0, 6));
        assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(4, 6));
        assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(5, 4));
        assertThrows(IllegalArgumentException.class, () -> tree.rootHash(6));
        assertThrows(IllegalArgumentException.class, () -> tree.append(new byte[31]));
    }

    @Test
    void proofsTravelAsJsonWithStandardBase64Hashes() throws Exception {
        ObjectMapper json = new ObjectMapper();
        MerkleTree tree = treeOf(CT_LEAVES);
        InclusionProof inclusion = tree.inclusionProof(0, 8);
        String text = json.writeValueAsString(inclusion);
        assertEquals("{\"leafIndex\":0,\"treeSize\":8,\"hashes\":[\"lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=\","
                + "\"Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=\",\"a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=\"]}",
                text);
        assertEquals(inclusion, json.readValue(text, InclusionProof.class));
        ConsistencyProof consistency = tree.consistencyProof(3, 8);
        assertEquals(consistency, json.readValue(json.writeValueAsString(consistency), ConsistencyProof.class));
    }

    @Test
    void aMillionLeavesAppendAndProveInMicroseconds() throws ProofException {
        int size = 1 << 20;
        MerkleTree tree = new MerkleTree();
        byte[] leaf = new byte[8];
        for (int i = 0; i < size; i++) {
            leaf[0] = (byte) i;
            leaf[1] = (byte) (i >>> 8);
            leaf[2] = (byte) (i >>> 16);
            tree.append(MerkleHashes.leafHash(leaf));
        }
        long treeSize = size - 3;
        byte[] root = tree.rootHash(treeSize);
        Random random = new Random(1);
        int rounds = 5_000;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            long index = random.nextInt((int) treeSize);
            tree.inclusionProof(index, treeSize).verify(tree.leafHash(index), root);
            long oldSize = 1 + random.nextInt((int) treeSize);
            tree.consistencyProof(oldSize, treeSize).verify(tree.rootHash(oldSize), root);
        }
        double microsPerRound = (System.nanoTime() - start) / 1000.0 / rounds;
        // About 20 µs on the reference machine; the bound is loose so a busy CI host does not flake.
        assertTrue(microsPerRound < 1_000, "prove+verify took " + microsPerRound + " µs");
    }

    @Test
    void readersSeeConsistentTreesWhileAWriterAppends() throws Exception {
        MerkleTree tree = new MerkleTree();
        List<byte[]> data = leafData(20_000);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> data.forEach(leaf -> tree.append(MerkleHashes.leafHash(leaf))));
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Random random = new Random(r);
            readers.add(new Thread(() -> {
                try {
                    while (tree.size() < data.size()) {
                        long size = tree.size();
                        if (size == 0) {
                            continue;
                        }
                        byte[] root = tree.rootHash(size);
                        long index = random.nextInt((int) size);
                        tree.inclusionProof(index, size).verify(MerkleHashes.leafHash(data.get((int) index)), root);
                        long oldSize = random.nextInt((int) size + 1);
                        tree.consistencyProof(oldSize, size).verify(tree.rootHash(oldSize), root);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        readers.forEach(Thread::start);
        writer.start();
        writer.join();
        for (Thread reader : readers) {
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a reader failed", failure.get());
        }
        assertArrayEquals(NaiveMerkle.mth(data.subList(0, 1_000)), tree.rootHash(1_000));
    }

    private static void assertRejected(String messagePart, ThrowingCall call) {
        ProofException e = assertThrows(ProofException.class, call::run);
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws ProofException;
    }

    static MerkleTree treeOf(List<byte[]> data) {
        MerkleTree tree = new MerkleTree();
        for (byte[] leaf : data) {
            tree.append(MerkleHashes.leafHash(leaf));
        }
        return tree;
    }

    static List<byte[]> leafData(int count) {
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            data.add(("leaf " + i).getBytes(StandardCharsets.US_ASCII));
        }
        return data;
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }
}
