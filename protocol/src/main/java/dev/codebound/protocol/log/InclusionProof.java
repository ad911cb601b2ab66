package dev.codebound.protocol.log;

import java.util.List;

/**
 * An RFC 9162 inclusion proof (audit path): the sibling hashes from a leaf up to the root of the
 * tree of {@code treeSize} leaves, leaf end first. As JSON (Jackson maps it directly):
 * {@code {"leafIndex":5,"treeSize":8,"hashes":["<std base64>", ...]}}.
 *
 * @param leafIndex the zero-based index of the leaf
 * @param treeSize  the size of the tree whose root the proof leads to
 * @param hashes    the audit path, 32 bytes each
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> hashes) {
    /** Copies the hashes, so later changes to the caller's arrays cannot alter the proof. */
    public InclusionProof {
        hashes = Hashes.copyOf(hashes);
    }

    /** The audit path; each hash is a fresh copy. */
    @Override
    public List<byte[]> hashes() {
        return Hashes.copyOf(hashes);
    }

    /**
     * Verifies that {@code leafHash} sits at {@link #leafIndex} in the tree with {@code rootHash}.
     *
     * @throws ProofException naming the check that failed
     */
    public void verify(byte[] leafHash, byte[] rootHash) throws ProofException {
        MerkleProofs.verifyInclusion(leafHash, leafIndex, treeSize, hashes, rootHash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InclusionProof that && leafIndex == that.leafIndex && treeSize == that.treeSize
                && Hashes.equal(hashes, that.hashes);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(leafIndex) * 31 + Long.hashCode(treeSize)) * 31 + Hashes.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "InclusionProof[leafIndex=" + leafIndex + ", treeSize=" + treeSize + ", hashes="
                + Hashes.toString(hashes) + "]";
    }
}
