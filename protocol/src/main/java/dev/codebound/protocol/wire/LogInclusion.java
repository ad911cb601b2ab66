package dev.codebound.protocol.wire;

import dev.codebound.protocol.log.InclusionProof;
import java.util.List;
import java.util.Objects;

/**
 * Where an accepted envelope sits in the registry's transparency log, as carried in its receipt:
 * the entry's index, an inclusion proof to the tree of {@code treeSize} entries, and the registry's
 * signed checkpoint of that tree. Anyone holding the trust bundle can check, offline, that the
 * registry committed publicly to this acceptance.
 *
 * @param leafIndex  the entry's index in the log
 * @param treeSize   the size of the tree the proof and checkpoint describe
 * @param proof      the inclusion proof hashes (RFC 9162 audit path)
 * @param checkpoint the signed checkpoint note (C2SP tlog-checkpoint) for {@code treeSize}
 */
public record LogInclusion(long leafIndex, long treeSize, List<byte[]> proof, String checkpoint) {
    public LogInclusion {
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(checkpoint, "checkpoint");
        proof = proof.stream().map(byte[]::clone).toList();
        if (leafIndex < 0 || treeSize <= leafIndex) {
            throw new IllegalArgumentException("leaf index " + leafIndex + " is outside a tree of " + treeSize);
        }
    }

    @Override
    public List<byte[]> proof() {
        return proof.stream().map(byte[]::clone).toList();
    }

    /** The proof as the log library's type. */
    public InclusionProof inclusionProof() {
        return new InclusionProof(leafIndex, treeSize, proof);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogInclusion that && leafIndex == that.leafIndex && treeSize == that.treeSize
                && checkpoint.equals(that.checkpoint) && inclusionProof().equals(that.inclusionProof());
    }

    @Override
    public int hashCode() {
        return Objects.hash(leafIndex, treeSize, checkpoint);
    }
}
