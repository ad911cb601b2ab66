package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotFolderTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3,
        (byte) 0xFF, (byte) 0xD9};

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();

    private HotFolder folder() {
        return new HotFolder(dir, Duration.ofSeconds(1), Duration.ofSeconds(10), nanos::get);
    }

    @Test
    void aPhotoIsReadyOnlyAfterItStoppedChangingForTheSettleTime() throws Exception {
        HotFolder folder = folder();
        Path photo = Files.write(dir.resolve("IMG_1.jpg"), JPEG);
        assertEquals(List.of(), folder.ready(), "just seen");
        nanos.addAndGet(500_000_000L);
        Files.write(photo, new byte[] {0}, StandardOpenOption.APPEND);
        Files.write(photo, JPEG, StandardOpenOption.APPEND);
        assertEquals(List.of(), folder.ready(), "it grew");
        nanos.addAndGet(999_000_000L);
        assertEquals(List.of(), folder.ready(), "not yet a full second unchanged");
        nanos.addAndGet(2_000_000L);
        assertEquals(List.of(photo), folder.ready());
    }

    @Test
    void partialAndTemporaryFilesAreNeverReady() throws Exception {
        HotFolder folder = folder();
        Files.write(dir.resolve("cut.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        Files.write(dir.resolve(".hidden.jpg"), JPEG);
        Files.write(dir.resolve("IMG_2.jpg.part"), JPEG);
        Files.write(dir.resolve("IMG_3.JPEG"), JPEG);
        folder.ready();
        nanos.addAndGet(5_000_000_000L);
        assertEquals(List.of(dir.resolve("IMG_3.JPEG")), folder.ready());
    }

    @Test
    void handledPhotosMoveAsideWithoutOverwriting() throws Exception {
        HotFolder folder = folder();
        Path first = folder.markDone(Files.write(dir.resolve("IMG_4.jpg"), JPEG), "entry.jpg");
        Path second = folder.markDone(Files.write(dir.resolve("IMG_4.jpg"), JPEG), "entry.jpg");
        assertEquals(dir.resolve("done/entry.jpg"), first, "named as the caller says");
        assertEquals(dir.resolve("done/entry-1.jpg"), second);
        Path rejected = folder.markRejected(Files.write(dir.resolve("IMG_5.jpg"), JPEG), "too dark");
        assertEquals("too dark\n", Files.readString(rejected.resolveSibling("IMG_5.jpg.reason.txt")));
        assertTrue(Files.notExists(dir.resolve("IMG_5.jpg")));
    }

    @Test
    void aPhotoThatNeverGetsItsEndMarkerIsReportedOnceThenAbandonedAfterTheGrace() throws Exception {
        HotFolder folder = folder();
        Path cut = Files.write(dir.resolve("IMG_6.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        assertEquals(List.of(cut), folder.look().arrived());
        nanos.addAndGet(1_000_000_000L);
        HotFolder.Look settled = folder.look();
        assertEquals(List.of(cut), settled.unfinished(), "reported when the settle time has passed");
        assertEquals(List.of(), settled.ready());
        nanos.addAndGet(1_000_000_000L);
        assertEquals(List.of(), folder.look().unfinished(), "reported once");
        nanos.addAndGet(7_999_000_000L);
        assertEquals(List.of(), folder.look().abandoned(), "a camera may pause mid-write: not before the grace");
        nanos.addAndGet(1_000_000L);
        assertEquals(List.of(cut), folder.look().abandoned());
        Files.write(cut, new byte[] {4, (byte) 0xFF, (byte) 0xD9}, StandardOpenOption.APPEND);
        assertEquals(List.of(), folder.look().abandoned(), "it changed: the clock starts again");
        nanos.addAndGet(1_000_000_000L);
        assertEquals(List.of(cut), folder.look().ready());
    }

    @Test
    void aLookReportsArrivalsOnceAndDepartures() throws Exception {
        HotFolder folder = folder();
        Path photo = Files.write(dir.resolve("IMG_7.jpg"), JPEG);
        assertEquals(List.of(photo), folder.look().arrived());
        assertEquals(List.of(), folder.look().arrived());
        Files.delete(photo);
        assertEquals(List.of(photo), folder.look().departed());
    }

    @Test
    void aFileKeepsItsIdentityWhenTheCameraRenamesIt() throws Exception {
        HotFolder folder = folder();
        Path partial = Files.write(dir.resolve("IMG_8.jpg.part"), JPEG);
        var before = folder.identities();
        Path renamed = Files.move(partial, dir.resolve("IMG_8.jpg"));
        assertTrue(before.contains(folder.identity(renamed)), "a .part renamed to .jpg is the file that was there");
        Path later = Files.write(dir.resolve("IMG_9.jpg"), JPEG);
        assertTrue(!before.contains(folder.identity(later)));
    }

    @Test
    void theIncompleteGraceCannotBeShorterThanTheSettleTime() {
        assertThrows(IllegalArgumentException.class,
                () -> new HotFolder(dir, Duration.ofSeconds(2), Duration.ofSeconds(1), nanos::get));
    }
}
