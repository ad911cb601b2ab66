package dev.codebound.protocol.log;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Verification of RFC 9162 inclusion (&sect;2.1.3.2) and consistency (&sect;2.1.4.2) proofs. Pure
 * functions over hashes: an auditor needs no log, no key and no state to use them. Every rejection
 * is a {@link ProofException} whose message names the failed check.
 */
public final class MerkleProofs {
    private static final int H = MerkleHashes.HASH_LENGTH;

    private MerkleProofs() {}

    /**
     * How many hashes the inclusion proof for leaf {@code leafIndex} in a tree of {@code treeSize}
     * has: the levels where the leaf's path and the tree's right edge differ, plus one for every
     * left sibling above them.
     *
     * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize}
     */
    public static int inclusionProofLength(long leafIndex, long treeSize) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException("leaf index " + leafIndex + " is outside a tree of " + treeSize);
        }
        int inner = bitLength(leafIndex ^ (treeSize - 1));
        return inner + Long.bitCount(leafIndex >>> inner);
    }

    /**
     * How many hashes the consistency proof from {@code oldSize} to {@code newSize} has: none when
     * the old tree is empty or the sizes are equal.
     *
     * @throws IllegalArgumentException unless {@code 0 <= oldSize <= newSize}
     */
    public static int consistencyProofLength(long oldSize, long newSize) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException("cannot prove " + oldSize + " -> " + newSize);
        }
        if (oldSize == 0 || oldSize == newSize) {
            return 0;
        }
        int shift = Long.numberOfTrailingZeros(oldSize);
        int inner = bitLength((oldSize - 1) ^ (newSize - 1));
        int border = Long.bitCount((oldSize - 1) >>> inner);
        // The old root itself is the proof's seed when the old tree is a perfect subtree.
        int seed = oldSize == Long.lowestOneBit(oldSize) ? 0 : 1;
        return seed + inner - shift + border;
    }

    /**
     * Verifies that {@code leafHash} is the leaf at {@code leafIndex} of the tree of {@code treeSize}
     * leaves whose root is {@code rootHash}.
     *
     * @throws ProofException if the index is outside the tree, the proof has the wrong number of
     *                        hashes, any hash is not 32 bytes, or the path leads to another root
     */
    public static void verifyInclusion(byte[] leafHash, long leafIndex, long treeSize, List<byte[]> proof,
            byte[] rootHash) throws ProofException {
        requireHash(rootHash, "root hash");
        byte[] computed = rootFromInclusionProof(leafHash, leafIndex, treeSize, proof);
        if (!MessageDigest.isEqual(computed, rootHash)) {
            throw new ProofException("inclusion proof for leaf " + leafIndex + " leads to root " + b64(computed)
                    + ", not to the expected root " + b64(rootHash) + " of the tree of " + treeSize);
        }
    }

    /**
     * The root hash an inclusion proof leads to (RFC 9162 &sect;2.1.3.2 steps 1&ndash;5 without the
     * final comparison), for callers that look the root up afterwards.
     *
     * @throws ProofException if the index is outside the tree, the proof has the wrong number of
     *                        hashes or any hash is not 32 bytes
     */
    public static byte[] rootFromInclusionProof(byte[] leafHash, long leafIndex, long treeSize, List<byte[]> proof)
            throws ProofException {
        requireHash(leafHash, "leaf hash");
        if (leafIndex < 0) {
            throw new ProofException("leaf index " + leafIndex + " is negative");
        }
        if (leafIndex >= treeSize) {
            throw new ProofException("leaf index " + leafIndex + " is not below the tree size " + treeSize);
        }
        int expected = inclusionProofLength(leafIndex, treeSize);
        if (proof.size() != expected) {
            throw new ProofException("inclusion proof has " + proof.size() + " hashes; leaf " + leafIndex
                    + " of a tree of " + treeSize + " needs exactly " + expected);
        }
        requireHashes(proof, "inclusion proof");
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new ProofException("inclusion proof is longer than the path to the root");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHashes.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = MerkleHashes.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new ProofException("inclusion proof is shorter than the path to the root");
        }
        return r;
    }

    /**
     * Verifies that the tree of {@code oldSize} leaves with root {@code oldRoot} is a prefix of the
     * tree of {@code newSize} leaves with root {@code newRoot}. An empty old tree (whose root must be
     * {@link MerkleHashes#emptyRoot()}) is a prefix of every tree and needs an empty proof; so do
     * equal sizes, whose roots must then be equal.
     *
     * @throws ProofException if a size is negative, the old size exceeds the new one, the proof has
     *                        the wrong number of hashes, any hash is not 32 bytes, or the proof does
     *                        not reproduce both roots
     */
    public static void verifyConsistency(long oldSize, long newSize, byte[] oldRoot, byte[] newRoot,
            List<byte[]> proof) throws ProofException {
        requireHash(oldRoot, "old root hash");
        requireHash(newRoot, "new root hash");
        if (oldSize < 0 || newSize < 0) {
            throw new ProofException("tree sizes must not be negative, got " + oldSize + " and " + newSize);
        }
        if (oldSize > newSize) {
            throw new ProofException("old tree size " + oldSize + " is larger than the new tree size " + newSize);
        }
        int expected = consistencyProofLength(oldSize, newSize);
        if (proof.size() != expected) {
            throw new ProofException("consistency proof has " + proof.size() + " hashes; " + oldSize + " -> "
                    + newSize + " needs exactly " + expected);
        }
        requireHashes(proof, "consistency proof");
        if (oldSize == 0) {
            if (!MessageDigest.isEqual(oldRoot, MerkleHashes.emptyRoot())) {
                throw new ProofException("the old root of an empty tree must be SHA-256 of the empty string");
            }
            return;
        }
        if (oldSize == newSize) {
            if (!MessageDigest.isEqual(oldRoot, newRoot)) {
                throw new ProofException("trees of equal size " + oldSize + " have different roots "
                        + b64(oldRoot) + " and " + b64(newRoot));
            }
            return;
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (oldSize == Long.lowestOneBit(oldSize)) {
            path.add(oldRoot);
        }
        path.addAll(proof);

        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new ProofException("consistency proof is longer than the path to the new root");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHashes.nodeHash(c, fr);
                sr = MerkleHashes.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = MerkleHashes.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new ProofException("consistency proof is shorter than the path to the new root");
        }
        if (!MessageDigest.isEqual(fr, oldRoot)) {
            throw new ProofException("consistency proof " + oldSize + " -> " + newSize + " reproduces old root "
                    + b64(fr) + ", not the expected " + b64(oldRoot));
        }
        if (!MessageDigest.isEqual(sr, newRoot)) {
            throw new ProofException("consistency proof " + oldSize + " -> " + newSize + " reproduces new root "
                    + b64(sr) + ", not the expected " + b64(newRoot));
        }
    }

    private static void requireHashes(List<byte[]> proof, String what) throws ProofException {
        for (int i = 0; i < proof.size(); i++) {
            byte[] hash = proof.get(i);
            if (hash == null || hash.length != H) {
                throw new ProofException(what + " hash " + i + " is " + (hash == null ? "missing" : hash.length
                        + " bytes") + ", not " + H);
            }
        }
    }

    private static void requireHash(byte[] hash, String what) throws ProofException {
        if (hash == null || hash.length != H) {
            throw new ProofException(what + " is " + (hash == null ? "missing" : hash.length + " bytes")
                    + ", not " + H);
        }
    }

    private static int bitLength(long value) {
        return 64 - Long.numberOfLeadingZeros(value);
    }

    private static String b64(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
    }
}
