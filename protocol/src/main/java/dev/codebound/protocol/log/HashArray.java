package dev.codebound.protocol.log;

import java.util.Arrays;

/**
 * A growable array of 32-byte hashes packed into 1 MiB pages: 32 bytes per hash with no per-object
 * overhead, and growth never copies more than the page table. Not thread-safe; {@link MerkleTree}
 * guards it.
 */
final class HashArray {
    private static final int PAGE_BITS = 15;
    private static final int PAGE_HASHES = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE_HASHES - 1;
    private static final int H = MerkleHashes.HASH_LENGTH;

    private byte[][] pages = new byte[1][];
    private long size;

    long size() {
        return size;
    }

    void add(byte[] hash) {
        int page = (int) (size >>> PAGE_BITS);
        if (page == pages.length) {
            pages = Arrays.copyOf(pages, pages.length * 2);
        }
        if (pages[page] == null) {
            pages[page] = new byte[PAGE_HASHES * H];
        }
        System.arraycopy(hash, 0, pages[page], (int) (size & PAGE_MASK) * H, H);
        size++;
    }

    byte[] get(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("hash " + index + " of " + size);
        }
        int offset = (int) (index & PAGE_MASK) * H;
        return Arrays.copyOfRange(pages[(int) (index >>> PAGE_BITS)], offset, offset + H);
    }
}
