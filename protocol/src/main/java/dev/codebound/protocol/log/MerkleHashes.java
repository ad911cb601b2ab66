package dev.codebound.protocol.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;

/**
 * The hash functions of an RFC 9162 (&sect;2.1.1) Merkle tree over SHA-256: leaves and interior
 * nodes are hashed with different one-byte prefixes so that a leaf can never be passed off as a
 * node or the other way round (second-preimage resistance of the tree).
 */
public final class MerkleHashes {
    /** Length in bytes of every hash in the tree. */
    public static final int HASH_LENGTH = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    /** Per-thread digests: getInstance costs about as much as hashing a node, and proofs hash dozens. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(MerkleHashes::newSha256);

    private MerkleHashes() {}

    /** The root hash of the empty tree: SHA-256 of the empty string. */
    public static byte[] emptyRoot() {
        return digest().digest();
    }

    /** The hash of a leaf: SHA-256(0x00 || leaf). */
    public static byte[] leafHash(byte[] leaf) {
        MessageDigest sha256 = digest();
        sha256.update(LEAF_PREFIX);
        sha256.update(leaf);
        return sha256.digest();
    }

    /** The hash of an interior node: SHA-256(0x01 || left || right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha256 = digest();
        sha256.update(NODE_PREFIX);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }

    private static MessageDigest digest() {
        MessageDigest sha256 = SHA256.get();
        sha256.reset();
        return sha256;
    }

    private static MessageDigest newSha256() {
        try {
            // The JDK's SUN provider uses the CPU's SHA extensions; Bouncy Castle's is several times slower.
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException("the JDK's SHA-256 is unavailable", e);
        }
    }
}
