package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.upload.LocalFileBytes;
import dev.codebound.server.upload.UploadBytes;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded archive: bytes taken over without a copy, records durable in a journal, crashes repaired. */
class FilePhotoArchiveTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path temp;

    private static String sha(char digit) {
        return String.valueOf(digit).repeat(64);
    }

    private static PhotoArchive.AcceptedPhoto photo(String sha, String code, int version) {
        return new PhotoArchive.AcceptedPhoto(sha, 3, code, version, "station-1", sha('f'), "image/jpeg", NOW, NOW,
                "{\"receipt\":\"" + sha + "\"}");
    }

    @Test
    void adoptingAnUploadLinksItsBytesInsteadOfCopyingThem() throws Exception {
        Path upload = Files.write(temp.resolve("upload.data"), new byte[] {1, 2, 3});
        try (FilePhotoArchive archive = new FilePhotoArchive(temp.resolve("photos"))) {
            archive.adopt(sha('a'), new LocalFileBytes(upload, 3));
            archive.record(photo(sha('a'), "CODE", 1)).join();
            Path archived = archive.envelopeFile(sha('a'));
            assertEquals(Files.getAttribute(upload, "unix:ino"), Files.getAttribute(archived, "unix:ino"),
                    "the same file, not a copy");
            Files.delete(upload);
            try (InputStream in = archive.openEnvelope(sha('a'))) {
                assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes(), "the archive keeps the bytes");
            }
        }
    }

    /**
     * Crash torture: a registry killed after adopting an upload, then retrying the same upload,
     * links the same file over itself; rename(2) then does nothing and left the temporary name.
     */
    @Test
    void adoptingTheSameUploadAgainLeavesNoTemporaryFile() throws Exception {
        Path upload = Files.write(temp.resolve("upload.data"), new byte[] {1, 2, 3});
        Path photos = temp.resolve("photos");
        try (FilePhotoArchive archive = new FilePhotoArchive(photos)) {
            archive.adopt(sha('a'), new LocalFileBytes(upload, 3));
            archive.adopt(sha('a'), new LocalFileBytes(upload, 3));
            archive.record(photo(sha('a'), "CODE", 1)).join();
        }
        try (var files = Files.list(photos)) {
            assertEquals(List.of(sha('a') + ".cms", FilePhotoArchive.JOURNAL),
                    files.map(file -> file.getFileName().toString()).sorted().toList());
        }
    }

    /**
     * An adopted envelope's name is made durable by the archive's own directory sync, queued at the
     * adoption (while the sequencer writes the log), and its record waits for it; a record with no
     * adoption in this process before it (the envelope adopted before a kill -9) has the directory
     * synced in its own journal batch.
     */
    @Test
    void adoptedNamesAreSyncedApartFromTheRecordsAndARecordWithoutAnAdoptionSyncsInItsBatch() throws Exception {
        Path first = Files.write(temp.resolve("first.data"), new byte[] {1, 2, 3});
        Path second = Files.write(temp.resolve("second.data"), new byte[] {4, 5, 6});
        Path photos = temp.resolve("photos");
        try (FilePhotoArchive archive = new FilePhotoArchive(photos)) {
            // As a registry killed after the adoption and before the record leaves it.
            archive.adopt(sha('a'), new LocalFileBytes(first, 3));
        }
        try (FilePhotoArchive archive = new FilePhotoArchive(photos)) {
            archive.record(photo(sha('a'), "CODE", 1)).join();
            assertEquals(1, archive.journalDirectorySyncs(), "nothing adopted here: the record's batch syncs the name");
            assertEquals(0, archive.adoptionDirectorySyncs());
            archive.adopt(sha('b'), new LocalFileBytes(second, 3));
            archive.record(photo(sha('b'), "CODE", 2)).join();
            assertEquals(1, archive.adoptionDirectorySyncs(), "the adoption's own directory sync");
            assertEquals(1, archive.journalDirectorySyncs(), "and none in the record's batch");
        }
        try (FilePhotoArchive reopened = new FilePhotoArchive(photos)) {
            assertEquals(1, reopened.find(sha('a')).orElseThrow().version());
            assertEquals(2, reopened.find(sha('b')).orElseThrow().version());
        }
    }

    @Test
    void bytesThatAreNoLocalFileAreCopied() throws Exception {
        UploadBytes remote = new UploadBytes() {
            @Override
            public long length() {
                return 2;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(new byte[] {7, 8});
            }
        };
        try (FilePhotoArchive archive = new FilePhotoArchive(temp.resolve("photos"))) {
            archive.adopt(sha('b'), remote);
            archive.record(photo(sha('b'), "CODE", 1)).join();
            assertArrayEquals(new byte[] {7, 8}, Files.readAllBytes(archive.envelopeFile(sha('b'))));
        }
    }

    @Test
    void recordsSurviveAReopenAndVersionsCountOnFromThem() throws Exception {
        Path photos = temp.resolve("photos");
        try (FilePhotoArchive archive = new FilePhotoArchive(photos)) {
            for (int version = 1; version <= 2; version++) {
                String sha = sha((char) ('0' + version));
                archive.adopt(sha, new LocalFileBytes(Files.write(temp.resolve("u" + version), new byte[3]), 3));
                assertEquals(version, archive.nextVersion("CODE"));
                archive.record(photo(sha, "CODE", version));
            }
        }
        try (FilePhotoArchive reopened = new FilePhotoArchive(photos)) {
            assertEquals(List.of(1, 2), reopened.versions("CODE").stream()
                    .map(PhotoArchive.AcceptedPhoto::version).toList());
            assertEquals(3, reopened.nextVersion("CODE"));
        }
    }

    @Test
    void aCrashBeforeTheRecordLeavesNothingAcceptedAndATornTailIsCut() throws Exception {
        Path photos = temp.resolve("photos");
        try (FilePhotoArchive archive = new FilePhotoArchive(photos)) {
            archive.adopt(sha('c'), new LocalFileBytes(Files.write(temp.resolve("c"), new byte[3]), 3));
            archive.record(photo(sha('c'), "CODE", 1)).join();
            // A crash after adopting the next envelope, while its record was being written.
            archive.adopt(sha('d'), new LocalFileBytes(Files.write(temp.resolve("d"), new byte[3]), 3));
        }
        Files.write(photos.resolve(FilePhotoArchive.JOURNAL), new byte[] {0, 0, 0, 9, 1, 2}, StandardOpenOption.APPEND);
        Files.write(photos.resolve(".dddd.tmp"), new byte[1]);
        try (FilePhotoArchive reopened = new FilePhotoArchive(photos)) {
            assertTrue(reopened.find(sha('c')).isPresent());
            assertTrue(reopened.find(sha('d')).isEmpty(), "adopted bytes without a record are not accepted");
            assertEquals(2, reopened.nextVersion("CODE"));
            assertFalse(Files.exists(photos.resolve(".dddd.tmp")));
            // The retry adopts the same envelope again, over the leftover.
            reopened.adopt(sha('d'), new LocalFileBytes(Files.write(temp.resolve("d2"), new byte[] {4, 4, 4}), 3));
            reopened.record(photo(sha('d'), "CODE", 2)).join();
            assertArrayEquals(new byte[] {4, 4, 4}, Files.readAllBytes(reopened.envelopeFile(sha('d'))));
        }
    }

    @Test
    void recordsOfTheOldLayoutAreMigrated() throws Exception {
        Path photos = Files.createDirectories(temp.resolve("photos"));
        Files.write(photos.resolve(sha('e') + ".cms"), new byte[3]);
        Files.write(photos.resolve(sha('e') + ".json"), JsonRecordStore.JSON.writeValueAsBytes(photo(sha('e'), "OLD", 1)));
        try (FilePhotoArchive archive = new FilePhotoArchive(photos)) {
            assertEquals("OLD", archive.find(sha('e')).orElseThrow().codeId());
            assertFalse(Files.exists(photos.resolve(sha('e') + ".json")), "the old record file is gone");
        }
        try (FilePhotoArchive again = new FilePhotoArchive(photos)) {
            assertEquals(1, again.versions("OLD").size(), "migrated once, kept");
        }
    }
}
