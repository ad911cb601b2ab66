package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.envelope.EnvelopeException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeRoundTripTest {
    private static final EnvelopeFixture FIXTURE = new EnvelopeFixture();

    @TempDir
    Path temp;

    @Test
    void smallPhotoRoundTripsInMemory() throws Exception {
        byte[] photo = EnvelopeFixture.photo(30_000);
        byte[] envelope = FIXTURE.seal(photo);
        try (OpenedEnvelope opened = FIXTURE.opener(temp).build().open(EnvelopeFixture.in(envelope))) {
            assertArrayEquals(photo, opened.openPhoto().readAllBytes());
            assertEquals(photo.length, opened.binding().photoLength());
            assertEquals("station-0001", opened.binding().stationId());
            assertEquals(EnvelopeFixture.NOW, opened.binding().captureTime());
            assertEquals(Suite.P256_AES256GCM_SHA256.id(), opened.binding().suiteId());
            assertEquals(FIXTURE.station.certificate(), opened.signerCertificate());
        }
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count(), "a small photo never touches the disk");
        }
    }

    @Test
    void emptyPhotoRoundTrips() throws Exception {
        byte[] envelope = FIXTURE.seal(new byte[0]);
        try (OpenedEnvelope opened = FIXTURE.opener(temp).build().open(EnvelopeFixture.in(envelope))) {
            assertEquals(0, opened.openPhoto().readAllBytes().length);
        }
    }

    @Test
    void largePhotoGoesToAnOwnerOnlyTemporaryFileDeletedOnClose() throws Exception {
        byte[] photo = EnvelopeFixture.photo(300_000);
        byte[] envelope = FIXTURE.seal(photo);
        EnvelopeOpener opener = FIXTURE.opener(temp).memoryThreshold(100_000).build();
        try (OpenedEnvelope opened = opener.open(EnvelopeFixture.in(envelope))) {
            try (var files = Files.list(temp)) {
                Path file = files.findFirst().orElseThrow();
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            opened.copyTo(copy);
            assertArrayEquals(photo, copy.toByteArray());
        }
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void refusedEnvelopeLeavesNoTemporaryFile() throws Exception {
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(300_000));
        envelope[envelope.length / 2] ^= 1;
        EnvelopeOpener opener = FIXTURE.opener(temp).memoryThreshold(1000).build();
        assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void photoThatChangesBetweenPassesIsNotSealed() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        PhotoSource changing = () -> EnvelopeFixture.in(EnvelopeFixture.photo(1000 + opens.getAndIncrement()));
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> FIXTURE.sealer().seal(changing,
                FIXTURE.code(), CaptureMetadata.jpeg(EnvelopeFixture.NOW), new ByteArrayOutputStream()));
        assertEquals(Reason.PHOTO_CHANGED, e.reason());
    }

    @Test
    void photoWithSameLengthButDifferentBytesIsNotSealed() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        PhotoSource changing = () -> {
            byte[] photo = EnvelopeFixture.photo(1000);
            photo[500] ^= (byte) opens.getAndIncrement();
            return EnvelopeFixture.in(photo);
        };
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> FIXTURE.sealer().seal(changing,
                FIXTURE.code(), CaptureMetadata.jpeg(EnvelopeFixture.NOW), new ByteArrayOutputStream()));
        assertEquals(Reason.PHOTO_CHANGED, e.reason());
    }

    @Test
    void anInMemoryPhotoIsHashedOnceAndChangesToTheCallersArrayDoNotReachTheEnvelope() throws Exception {
        byte[] photo = EnvelopeFixture.photo(5000);
        byte[] original = photo.clone();
        PhotoSource source = PhotoSource.of(photo);
        assertTrue(source.readsIdenticallyEveryTime());
        photo[100] ^= 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Binding binding = FIXTURE.sealer().seal(source, FIXTURE.code(), CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(original), binding.photoDigest());
        try (OpenedEnvelope opened = FIXTURE.opener(temp).build().open(EnvelopeFixture.in(out.toByteArray()))) {
            assertArrayEquals(original, opened.openPhoto().readAllBytes());
        }
    }

    @Test
    void captureTimeTooFarAheadIsRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FIXTURE.sealer().seal(PhotoSource.of(EnvelopeFixture.photo(100)), FIXTURE.code(),
                CaptureMetadata.jpeg(EnvelopeFixture.NOW.plus(Duration.ofMinutes(6))), out);
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> FIXTURE.opener(temp).build().open(EnvelopeFixture.in(out.toByteArray())));
        assertEquals(Reason.CAPTURE_TIME_IN_FUTURE, e.reason());
    }

    @Test
    void captureTimeWithinSkewIsAccepted() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FIXTURE.sealer().seal(PhotoSource.of(EnvelopeFixture.photo(100)), FIXTURE.code(),
                CaptureMetadata.jpeg(EnvelopeFixture.NOW.plus(Duration.ofMinutes(5))), out);
        FIXTURE.opener(temp).build().open(EnvelopeFixture.in(out.toByteArray())).close();
    }

    @Test
    void revokedStationIsRefused() throws Exception {
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(100));
        var revoked = FIXTURE.registry.trustBundle(2, EnvelopeFixture.NOW, java.util.Set.of(), java.util.Set.of(),
                java.util.Set.of(dev.codebound.protocol.pki.Certificates.serialHex(FIXTURE.station.certificate())));
        EnvelopeOpener opener = EnvelopeOpener.builder(revoked).recipient(FIXTURE.registry.encryption())
                .clock(EnvelopeFixture.CLOCK).temporaryDirectory(temp).build();
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
        assertEquals(Reason.SIGNER_REVOKED, e.reason());
    }

    @Test
    void stationOfAnotherRegistryIsUntrusted() throws Exception {
        EnvelopeFixture other = new EnvelopeFixture();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeSealer(other.station, FIXTURE.registry.encryption().certificate())
                .seal(PhotoSource.of(EnvelopeFixture.photo(100)), FIXTURE.code(),
                        CaptureMetadata.jpeg(EnvelopeFixture.NOW), out);
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> FIXTURE.opener(temp).build().open(EnvelopeFixture.in(out.toByteArray())));
        assertEquals(Reason.UNTRUSTED_SIGNER, e.reason());
    }

    @Test
    void trailingBytesAreMalformed() throws Exception {
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(100));
        byte[] longer = java.util.Arrays.copyOf(envelope, envelope.length + 1);
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> FIXTURE.opener(temp).build().open(EnvelopeFixture.in(longer)));
        assertEquals(Reason.MALFORMED, e.reason());
    }

    @Test
    void notCmsAtAllIsMalformed() {
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> FIXTURE.opener(temp).build()
                .open(EnvelopeFixture.in(EnvelopeFixture.utf8("hello, this is not an envelope"))));
        assertEquals(Reason.MALFORMED, e.reason());
    }

    @Test
    void everyTruncationIsRefused() throws Exception {
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(200));
        EnvelopeOpener opener = FIXTURE.opener(temp).build();
        for (int length = 0; length < envelope.length; length += 7) {
            byte[] prefix = java.util.Arrays.copyOf(envelope, length);
            EnvelopeException e = assertThrows(EnvelopeException.class, () -> opener.open(EnvelopeFixture.in(prefix)),
                    "prefix of " + length + " bytes");
            assertTrue(e.reason() == Reason.TRUNCATED || e.reason() == Reason.MALFORMED, e.reason() + " at " + length);
        }
    }

    @Test
    void sealerDoesNotCloseTheOutput() throws Exception {
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() throws IOException {
                closed[0] = true;
            }
        };
        FIXTURE.sealer().seal(PhotoSource.of(new byte[10]), FIXTURE.code(), CaptureMetadata.jpeg(EnvelopeFixture.NOW),
                out);
        assertFalse(closed[0]);
    }

    @Test
    void brokenInputIsAnIoErrorNotABadEnvelope() throws Exception {
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(200_000));
        InputStream failing = new java.io.FilterInputStream(EnvelopeFixture.in(envelope)) {
            private int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 100_000) {
                    throw new IOException("connection reset");
                }
                int n = super.read(b, off, Math.min(len, 1000));
                read += Math.max(n, 0);
                return n;
            }
        };
        assertThrows(IOException.class, () -> FIXTURE.opener(temp).build().open(failing));
    }

    @Test
    void unusableTemporaryDirectoryIsAnIoErrorNotABadEnvelope() throws Exception {
        byte[] envelope = FIXTURE.seal(EnvelopeFixture.photo(200_000));
        EnvelopeOpener opener = FIXTURE.opener(temp.resolve("missing")).memoryThreshold(1000).build();
        assertThrows(IOException.class, () -> opener.open(EnvelopeFixture.in(envelope)));
    }

    @Test
    void photoStreamCanBeReadTwice() throws Exception {
        byte[] photo = EnvelopeFixture.photo(5000);
        try (OpenedEnvelope opened = FIXTURE.opener(temp).build().open(EnvelopeFixture.in(FIXTURE.seal(photo)))) {
            try (InputStream first = opened.openPhoto(); InputStream second = opened.openPhoto()) {
                assertArrayEquals(first.readAllBytes(), second.readAllBytes());
            }
        }
    }
}
