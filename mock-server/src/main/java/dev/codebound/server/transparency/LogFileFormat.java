package dev.codebound.server.transparency;

import dev.codebound.protocol.log.LogEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte layout of a {@link LogStore} file: a 256-byte header, then one 256-byte record per
 * entry. Records are aligned to 256 bytes so that none straddles a disk sector or page; a torn
 * write therefore damages whole records, which their CRC detects. All integers are big-endian.
 *
 * <pre>
 * header                                  record i (at 256 + 256 * i)
 * 0    8  magic 89 43 42 54 4C 4F 47 0A   0    8  record index i
 * 8    4  file format version, 1          8    8  index of the first record of its batch
 * 12   4  record size, 256                16   4  number of records in its batch, 1..1024
 * 16 236  zero                            20   2  entry length L, 45..171
 * 252  4  CRC-32C of bytes 0..251         22   L  the entry's canonical encoding ({@link LogEntry})
 *                                         22+L    zero up to byte 251
 *                                         252  4  CRC-32C of bytes 0..251
 * </pre>
 */
final class LogFileFormat {
    static final int RECORD_SIZE = 256;
    static final int HEADER_SIZE = RECORD_SIZE;
    static final int FILE_VERSION = 1;
    /** Records written with one fsync; bounds what a crash can tear and what recovery may drop. */
    static final int MAX_BATCH = 1024;

    private static final byte[] MAGIC = {(byte) 0x89, 'C', 'B', 'T', 'L', 'O', 'G', '\n'};
    private static final int CRC_OFFSET = RECORD_SIZE - 4;
    private static final int ENTRY_OFFSET = 22;

    private LogFileFormat() {}

    /** A record as read back; {@code entry} is null when the record is damaged. */
    record Record(long index, long batchStart, int batchLength, LogEntry entry) {
        boolean intact() {
            return entry != null;
        }
    }

    static byte[] header() {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.put(MAGIC).putInt(FILE_VERSION).putInt(RECORD_SIZE);
        header.putInt(CRC_OFFSET, crc(header.array()));
        return header.array();
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
        if (header.getInt(8) != FILE_VERSION || header.getInt(12) != RECORD_SIZE) {
            return "it has file format version " + header.getInt(8) + " with " + header.getInt(12)
                    + "-byte records; this library reads version " + FILE_VERSION;
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

    private static int crc(byte[] block) {
        CRC32C crc = new CRC32C();
        crc.update(block, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }
}
