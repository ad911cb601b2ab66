package dev.codebound.protocol.log;

import java.util.List;

/**
 * An RFC 9162 consistency proof: the hashes showing that the tree of {@code oldSize} leaves is a
 * prefix of the tree of {@code newSize} leaves. As JSON (Jackson maps it directly):
 * {@code {"oldSize":3,"newSize":8,"hashes":["<std base64>", ...]}}.
 *
 * @param oldSize the size of the earlier tree
 * @param newSize the size of the later tree
 * @param hashes  the proof, 32 bytes each; empty when {@code oldSize} is 0 or equals {@code newSize}
 */
public record ConsistencyProof(long oldSize, long newSize, List<byte[]> hashes) {
    /** Copies the hashes, so later changes to the caller's arrays cannot alter the proof. */
    public ConsistencyProof {
        hashes = Hashes.copyOf(hashes);
    }

    /** The proof hashes; each is a fresh copy. */
    @Override
    public List<byte[]> hashes() {
        return Hashes.copyOf(hashes);
    }

    /**
     * Verifies that the tree with {@code oldRoot} is a prefix of the tree with {@code newRoot}.
     *
     * @throws ProofException naming the check that failed
     */
    public void verify(byte[] oldRoot, byte[] newRoot) throws ProofException {
        MerkleProofs.verifyConsistency(oldSize, newSize, oldRoot, newRoot, hashes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConsistencyProof that && oldSize == that.oldSize && newSize == that.newSize
                && Hashes.equal(hashes, that.hashes);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(oldSize) * 31 + Long.hashCode(newSize)) * 31 + Hashes.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "ConsistencyProof[oldSize=" + oldSize + ", newSize=" + newSize + ", hashes="
                + Hashes.toString(hashes) + "]";
    }
}
