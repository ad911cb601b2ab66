package dev.codebound.protocol.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An in-memory, append-only RFC 9162 Merkle tree over leaf hashes that answers root, inclusion and
 * consistency queries for every size it has had, in time logarithmic in its size.
 *
 * <p>It keeps every leaf hash and the hash of every complete, aligned subtree of 16 or more leaves
 * (about 36 bytes per leaf). Smaller subtrees are recomputed from at most 16 leaves when a proof
 * needs them, which costs a few microseconds and halves the memory a full cache would take. Any
 * number of threads may query while one thread appends.
 */
public final class MerkleTree {
    /** Subtrees of 2^4 leaves and larger are cached; see the class comment. */
    private static final int FIRST_CACHED_LEVEL = 4;

    private final HashArray leaves = new HashArray();
    /** {@code cached.get(l - FIRST_CACHED_LEVEL)} holds the complete subtrees of 2^l leaves, left to right. */
    private final List<HashArray> cached = new ArrayList<>();
    private final Lock readLock;
    private final Lock writeLock;

    /** An empty tree. */
    public MerkleTree() {
        ReadWriteLock lock = new ReentrantReadWriteLock();
        readLock = lock.readLock();
        writeLock = lock.writeLock();
    }

    /** Appends a leaf hash (see {@link MerkleHashes#leafHash}) and returns its index. */
    public long append(byte[] leafHash) {
        if (leafHash == null || leafHash.length != MerkleHashes.HASH_LENGTH) {
            throw new IllegalArgumentException("a leaf hash must be " + MerkleHashes.HASH_LENGTH + " bytes");
        }
        writeLock.lock();
        try {
            leaves.add(leafHash);
            long size = leaves.size();
            for (int level = FIRST_CACHED_LEVEL; size % (1L << level) == 0; level++) {
                long index = (size >>> level) - 1;
                byte[] hash = MerkleHashes.nodeHash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1));
                if (cached.size() == level - FIRST_CACHED_LEVEL) {
                    cached.add(new HashArray());
                }
                cached.get(level - FIRST_CACHED_LEVEL).add(hash);
            }
            return size - 1;
        } finally {
            writeLock.unlock();
        }
    }

    /** The number of leaves. */
    public long size() {
        readLock.lock();
        try {
            return leaves.size();
        } finally {
            readLock.unlock();
        }
    }

    /** The leaf hash at {@code index}. */
    public byte[] leafHash(long index) {
        readLock.lock();
        try {
            requireIndex(index, leaves.size());
            return leaves.get(index);
        } finally {
            readLock.unlock();
        }
    }

    /** The root hash of the whole tree as it is now. */
    public byte[] rootHash() {
        readLock.lock();
        try {
            return root(leaves.size());
        } finally {
            readLock.unlock();
        }
    }

    /**
     * The root hash the tree had when it held {@code treeSize} leaves. Together with {@link #size()}
     * this gives a consistent (size, root) pair without a lock: read the size, then ask for its root.
     */
    public byte[] rootHash(long treeSize) {
        readLock.lock();
        try {
            requireSize(treeSize);
            return root(treeSize);
        } finally {
            readLock.unlock();
        }
    }

    /** The inclusion proof (RFC 9162 &sect;2.1.3.1) of leaf {@code leafIndex} in the tree of {@code treeSize}. */
    public InclusionProof inclusionProof(long leafIndex, long treeSize) {
        readLock.lock();
        try {
            requireSize(treeSize);
            requireIndex(leafIndex, treeSize);
            List<byte[]> path = new ArrayList<>(MerkleProofs.inclusionProofLength(leafIndex, treeSize));
            path(leafIndex, 0, treeSize, path);
            return new InclusionProof(leafIndex, treeSize, path);
        } finally {
            readLock.unlock();
        }
    }

    /** The consistency proof (RFC 9162 &sect;2.1.4.1) from the tree of {@code oldSize} to that of {@code newSize}. */
    public ConsistencyProof consistencyProof(long oldSize, long newSize) {
        readLock.lock();
        try {
            requireSize(newSize);
            if (oldSize < 0 || oldSize > newSize) {
                throw new IllegalArgumentException("old size " + oldSize + " must be between 0 and the new size "
                        + newSize);
            }
            List<byte[]> proof = new ArrayList<>(MerkleProofs.consistencyProofLength(oldSize, newSize));
            if (oldSize > 0 && oldSize < newSize) {
                subproof(oldSize, 0, newSize, true, proof);
            }
            return new ConsistencyProof(oldSize, newSize, proof);
        } finally {
            readLock.unlock();
        }
    }

    private byte[] root(long treeSize) {
        return treeSize == 0 ? MerkleHashes.emptyRoot() : range(0, treeSize);
    }

    /** PATH(m, D[start:end]), appended leaf end first. */
    private void path(long m, long start, long end, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < start + k) {
            path(m, start, start + k, out);
            out.add(range(start + k, end));
        } else {
            path(m, start + k, end, out);
            out.add(range(start, start + k));
        }
    }

    /** SUBPROOF(m, D[start:end], b), where {@code m} counts leaves from 0, not from {@code start}. */
    private void subproof(long m, long start, long end, boolean wholeOldTree, List<byte[]> out) {
        if (m == end) {
            if (!wholeOldTree) {
                out.add(range(start, end));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(end - start);
        if (m <= start + k) {
            subproof(m, start, start + k, wholeOldTree, out);
            out.add(range(start + k, end));
        } else {
            subproof(m, start + k, end, false, out);
            out.add(range(start, start + k));
        }
    }

    /**
     * MTH(D[start:end]) for a non-empty range whose start is a multiple of the largest power of two
     * not above its length, which holds for every range the RFC's recursions visit.
     */
    private byte[] range(long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1) {
            int level = Long.numberOfTrailingZeros(n);
            return subtree(level, start >>> level);
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleHashes.nodeHash(range(start, start + k), range(start + k, end));
    }

    /** The hash of the {@code index}-th complete subtree of 2^level leaves. */
    private byte[] subtree(int level, long index) {
        if (level == 0) {
            return leaves.get(index);
        }
        if (level >= FIRST_CACHED_LEVEL) {
            return cached.get(level - FIRST_CACHED_LEVEL).get(index);
        }
        return MerkleHashes.nodeHash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1));
    }

    /** The largest power of two strictly below {@code n}, for {@code n >= 2}. */
    private static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private void requireSize(long treeSize) {
        if (treeSize < 0 || treeSize > leaves.size()) {
            throw new IllegalArgumentException("tree size " + treeSize + " is outside 0.." + leaves.size());
        }
    }

    private static void requireIndex(long index, long treeSize) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf index " + index + " is outside a tree of " + treeSize);
        }
    }
}
