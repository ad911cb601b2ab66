package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seals and opens a 1 GiB photo with suite 1, and a photo larger than the heap limit with suite 2
 * (whose pure-Java SM4 and SM3 are slower; that size proves the same), and checks that heap use stays
 * bounded: the photo is generated on the fly (never in memory, never written as a file), and only the
 * envelope and the opener's private temporary file touch the disk. Runs in its own surefire execution with a small heap ({@code -Xmx96m}
 * in protocol/pom.xml): holding the photo (or any large part of it) in memory would fail with
 * OutOfMemoryError. The heap peaks it prints include garbage and are for information only.
 */
@Tag("large")
class EnvelopeLargeTest {
    private static final long ONE_GIB = 1L << 30;
    /** Larger than the heap limit, and not a multiple of the 16-byte block or the 64 KiB chunk. */
    private static final long LARGER_THAN_HEAP = (128L << 20) + 7;
    /** The heap this test must fit in; 1 GiB held anywhere would not. */
    private static final long HEAP_LIMIT = 128L << 20;

    @TempDir
    Path temp;

    @Test
    void sealsAndOpensOneGibibyteInBoundedMemory() throws Exception {
        sealAndOpen(new EnvelopeFixture(), ONE_GIB);
    }

    @Test
    void suite2SealsAndOpensMoreThanTheHeapInBoundedMemory() throws Exception {
        sealAndOpen(new EnvelopeFixture(Suite.SM2_SM4GCM_SM3), LARGER_THAN_HEAP);
    }

    private void sealAndOpen(EnvelopeFixture fixture, long length) throws Exception {
        assertTrue(Runtime.getRuntime().maxMemory() <= HEAP_LIMIT, "run this test with -Xmx96m (see protocol/pom.xml);"
                + " the heap limit is what proves that memory use is bounded");
        Path envelope = temp.resolve("large.cms");
        System.gc();
        long baseline = heapUsed();
        resetPeaks();

        long sealStart = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(envelope), EnvelopeFormat.CHUNK)) {
            fixture.sealer().seal(() -> new GeneratedPhoto(length), fixture.code(),
                    CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
        }
        long sealNanos = System.nanoTime() - sealStart;
        long sealPeak = peakHeap() - baseline;

        resetPeaks();
        long openStart = System.nanoTime();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(envelope), EnvelopeFormat.CHUNK);
                OpenedEnvelope opened = fixture.opener(temp).build().open(in)) {
            long openNanos = System.nanoTime() - openStart;
            assertEquals(length, opened.photoLength());
            assertEquals(fixture.suite.id(), opened.binding().suiteId());
            try (InputStream photo = opened.openPhoto(); InputStream expected = new GeneratedPhoto(length)) {
                assertSameBytes(expected, photo);
            }
            System.out.printf("suite %s, %d MiB: seal %.1f s, open %.1f s; heap above baseline: seal %d MiB, "
                    + "open %d MiB%n", fixture.suite, length >> 20, sealNanos / 1e9, openNanos / 1e9, sealPeak >> 20,
                    (peakHeap() - baseline) >> 20);
        }
        Files.delete(envelope);
        try (var left = Files.list(temp)) {
            assertEquals(0, left.count(), "the opener's temporary file is gone after close");
        }
    }

    private static void assertSameBytes(InputStream expected, InputStream actual) throws IOException {
        byte[] a = new byte[EnvelopeFormat.CHUNK];
        byte[] b = new byte[EnvelopeFormat.CHUNK];
        long offset = 0;
        while (true) {
            int n = expected.readNBytes(a, 0, a.length);
            int m = actual.readNBytes(b, 0, b.length);
            assertEquals(n, m, "length differs near offset " + offset);
            if (n == 0) {
                return;
            }
            assertArrayEquals(Arrays.copyOf(a, n), Arrays.copyOf(b, m), "bytes differ near offset " + offset);
            offset += n;
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks since the last reset: garbage included, so only a rough report. */
    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    /**
     * A deterministic pseudo-photo of any length, produced on the fly: one random 64 KiB block,
     * each copy stamped with its index so that no two blocks are equal.
     */
    private static final class GeneratedPhoto extends InputStream {
        private static final byte[] BLOCK = new byte[EnvelopeFormat.CHUNK];

        static {
            new SplittableRandom(20260615).nextBytes(BLOCK);
        }

        private final long length;
        private long position;

        GeneratedPhoto(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int done = 0; done < n; ) {
                long block = (position + done) / BLOCK.length;
                int within = (int) ((position + done) % BLOCK.length);
                int take = Math.min(n - done, BLOCK.length - within);
                System.arraycopy(BLOCK, within, buffer, offset + done, take);
                for (int at = within; at < Math.min(8, within + take); at++) {
                    buffer[offset + done + at - within] = (byte) (block >>> (8 * at));
                }
                done += take;
            }
            position += n;
            return n;
        }
    }
}
