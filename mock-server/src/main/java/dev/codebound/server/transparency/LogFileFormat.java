package dev.codebound.server.transparency;

import dev.codebound.protocol.log.LogEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte layout of a {@link LogStore} file: a 256-byte header, in format version 2 two 4 KiB
 * checkpoint slots, then one 256-byte record per entry. Records are aligned to 256 bytes so that
 * none straddles a disk sector or page; a torn write therefore damages whole records, which their
 * CRC detects. All integers are big-endian.
 *
 * <pre>
 * header                                  record i (at recordsStart + 256 * i)
 * 0    8  magic 89 43 42 54 4C 4F 47 0A   0    8  record index i
 * 8    4  file format version, 1 or 2     8    8  index of the first record of its batch
 * 12   4  record size, 256                16   4  number of records in its batch, 1..1024
 * 16 236  zero                            20   2  entry length L, 45..171
 * 252  4  CRC-32C of bytes 0..251         22   L  the entry's canonical encoding ({@link LogEntry})
 *                                         22+L    zero up to byte 251
 * checkpoint slot s (version 2 only,      252  4  CRC-32C of bytes 0..251
 * at 256 + 4096 * s, s = 0 or 1)
 * 0    8  sequence number, from 1         recordsStart: 256 in version 1, 8448 in version 2
 * 8    8  the tree size the note signs
 * 16   4  note length N, 1..4072
 * 20   N  the signed checkpoint note (UTF-8)
 * 20+N    zero up to byte 4091
 * 4092 4  CRC-32C of bytes 0..4091
 * </pre>
 *
 * <p>A batch's checkpoint goes into the slot that does not hold the newest valid checkpoint, in the
 * same write and under the same {@code fsync} as the batch's records, so the newest durable
 * checkpoint is never overwritten by a write a crash can tear; {@link LogStore} explains the
 * recovery. Version 1 files (before the slots) are still read and appended to; their checkpoints
 * live in a journal beside them ({@link FileLogStorage}).
 */
final class LogFileFormat {
    static final int RECORD_SIZE = 256;
    static final int HEADER_SIZE = RECORD_SIZE;
    /** The version new files get; version 1 files are still read. */
    static final int FILE_VERSION = 2;
    static final int FILE_VERSION_WITHOUT_CHECKPOINTS = 1;
    static final int SLOT_SIZE = 4096;
    static final int SLOTS = 2;
    /** The longest checkpoint note a slot holds. */
    static final int MAX_NOTE_LENGTH = SLOT_SIZE - 24;
    /** Records written with one fsync; bounds what a crash can tear and what recovery may drop. */
    static final int MAX_BATCH = 1024;

    private static final byte[] MAGIC = {(byte) 0x89, 'C', 'B', 'T', 'L', 'O', 'G', '\n'};
    private static final int CRC_OFFSET = RECORD_SIZE - 4;
    private static final int ENTRY_OFFSET = 22;
    private static final int SLOT_NOTE_OFFSET = 20;
    private static final int SLOT_CRC_OFFSET = SLOT_SIZE - 4;

    private LogFileFormat() {}

    /** A record as read back; {@code entry} is null when the record is damaged. */
    record Record(long index, long batchStart, int batchLength, LogEntry entry) {
        boolean intact() {
            return entry != null;
        }
    }

    /** A checkpoint as read back from a valid slot. */
    record Slot(long sequence, long treeSize, String note) {}

    /** The header of a new file of {@code version}, followed by its empty checkpoint slots if it has any. */
    static byte[] header(int version) {
        ByteBuffer header = ByteBuffer.allocate((int) recordsStart(version));
        header.put(MAGIC).putInt(version).putInt(RECORD_SIZE);
        header.putInt(CRC_OFFSET, crc(header.array()));
        return header.array();
    }

    /** Where the records of a file of {@code version} start. */
    static long recordsStart(int version) {
        return version == FILE_VERSION_WITHOUT_CHECKPOINTS ? HEADER_SIZE : HEADER_SIZE + (long) SLOTS * SLOT_SIZE;
    }

    /** Where checkpoint slot {@code slot} (0 or 1) starts in a version 2 file. */
    static long slotPosition(int slot) {
        return HEADER_SIZE + (long) slot * SLOT_SIZE;
    }

    /** The version of a header that {@link #checkHeader} accepted. */
    static int version(ByteBuffer header) {
        return header.getInt(8);
    }

    /** Encodes a checkpoint slot; the note must be 1 to {@value #MAX_NOTE_LENGTH} bytes. */
    static byte[] slot(long sequence, long treeSize, byte[] note) {
        if (note.length < 1 || note.length > MAX_NOTE_LENGTH) {
            throw new IllegalArgumentException("a checkpoint note of " + note.length
                    + " bytes does not fit a slot (1 to " + MAX_NOTE_LENGTH + ")");
        }
        ByteBuffer slot = ByteBuffer.allocate(SLOT_SIZE);
        slot.putLong(sequence).putLong(treeSize).putInt(note.length).put(note);
        slot.putInt(SLOT_CRC_OFFSET, slotCrc(slot.array()));
        return slot.array();
    }

    /** Decodes a slot's {@value #SLOT_SIZE} bytes; null if it is empty, torn or damaged. */
    static Slot readSlot(byte[] bytes) {
        ByteBuffer slot = ByteBuffer.wrap(bytes);
        long sequence = slot.getLong(0);
        long treeSize = slot.getLong(8);
        int noteLength = slot.getInt(16);
        if (slot.getInt(SLOT_CRC_OFFSET) != slotCrc(bytes) || sequence < 1 || treeSize < 0 || noteLength < 1
                || noteLength > MAX_NOTE_LENGTH || !zero(bytes, SLOT_NOTE_OFFSET + noteLength, SLOT_CRC_OFFSET)) {
            return null;
        }
        return new Slot(sequence, treeSize, new String(bytes, SLOT_NOTE_OFFSET, noteLength, StandardCharsets.UTF_8));
    }

    /** Null if the header is valid, otherwise what is wrong with it. */
    static String checkHeader(ByteBuffer header) {
        byte[] bytes = new byte[HEADER_SIZE];
        header.get(0, bytes);
        if (!Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            return "it does not start with the Codebound log magic";
        }
        if (header.getInt(CRC_OFFSET) != crc(bytes)) {
            return "its header fails its checksum";
        }
        int version = header.getInt(8);
        if ((version != FILE_VERSION && version != FILE_VERSION_WITHOUT_CHECKPOINTS)
                || header.getInt(12) != RECORD_SIZE) {
            return "it has file format version " + version + " with " + header.getInt(12)
                    + "-byte records; this library reads versions " + FILE_VERSION_WITHOUT_CHECKPOINTS + " and "
                    + FILE_VERSION;
        }
        return null;
    }

    /** Writes one record at the buffer's position. */
    static void putRecord(ByteBuffer out, long index, long batchStart, int batchLength, byte[] entry) {
        int start = out.position();
        out.putLong(index).putLong(batchStart).putInt(batchLength).putShort((short) entry.length).put(entry);
        out.put(new byte[CRC_OFFSET - ENTRY_OFFSET - entry.length]);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start, CRC_OFFSET);
        out.putInt((int) crc.getValue());
    }

    /**
     * Reads the record at the buffer's position (advancing it by one record). Any damage (checksum,
     * non-zero padding, an entry that does not decode, a batch that does not contain the record)
     * yields a record whose entry is null.
     */
    static Record readRecord(ByteBuffer in) {
        byte[] bytes = new byte[RECORD_SIZE];
        in.get(bytes);
        ByteBuffer record = ByteBuffer.wrap(bytes);
        long index = record.getLong(0);
        long batchStart = record.getLong(8);
        int batchLength = record.getInt(16);
        int entryLength = Short.toUnsignedInt(record.getShort(20));
        if (record.getInt(CRC_OFFSET) != crc(bytes) || entryLength > CRC_OFFSET - ENTRY_OFFSET
                || batchLength < 1 || batchLength > MAX_BATCH || batchStart < 0 || index < batchStart
                || index - batchStart >= batchLength || !zero(bytes, ENTRY_OFFSET + entryLength, CRC_OFFSET)) {
            return new Record(index, batchStart, batchLength, null);
        }
        try {
            LogEntry entry = LogEntry.decode(Arrays.copyOfRange(bytes, ENTRY_OFFSET, ENTRY_OFFSET + entryLength));
            return new Record(index, batchStart, batchLength, entry);
        } catch (IllegalArgumentException e) {
            return new Record(index, batchStart, batchLength, null);
        }
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int slotCrc(byte[] slot) {
        CRC32C crc = new CRC32C();
        crc.update(slot, 0, SLOT_CRC_OFFSET);
        return (int) crc.getValue();
    }

    private static int crc(byte[] block) {
        CRC32C crc = new CRC32C();
        crc.update(block, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }
}
