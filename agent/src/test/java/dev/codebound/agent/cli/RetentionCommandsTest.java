package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The station's retention policy applied by the real commands against the real mock registry:
 * originals, refused photos and delivered envelopes deleted on their deadlines, each deletion in
 * the transfer log and accepted by {@code audit verify}, and after a full run no readable photo
 * anywhere on either side.
 */
class RetentionCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static CodeboundRegistry registry;

    @TempDir
    Path temp;
    TestStation station;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = CodeboundRegistry.builder().dataDir(shared.resolve("registry")).start();
    }

    @BeforeEach
    void enrollAStation() throws Exception {
        station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry, "--no-passphrase");
    }

    @AfterAll
    static void stopRegistry() throws IOException {
        registry.close();
    }

    @Test
    void eachKindIsDeletedOnItsDeadlineAuditedAndNoReadablePhotoIsLeft() throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", code.text()).exitCode());
        Path camera = Files.createDirectories(temp.resolve("camera"));
        byte[] photo = SamplePhotos.good(31);
        assertTrue(containsJpegHeader(photo), "the scan below looks for what a real photo holds");
        Files.write(camera.resolve(code.codeId() + ".jpg"), photo);
        Files.write(camera.resolve("IMG_0001.jpg"), SamplePhotos.good(32));

        CliRun watch = station.run("watch", camera.toString(), "--once", "--settle", "0");
        assertEquals(ExitCodes.PHOTO_REFUSED, watch.exitCode(), watch::both);
        String entry = entryOf(code.codeId()).id();
        Path original = camera.resolve("done/" + entry + ".jpg");
        assertTrue(Files.exists(original), "the original is named after its entry, not after the code or the camera");
        assertEquals(2, retention().get("readablePhotos").asInt());

        // Defaults: the envelope goes as soon as its receipt is archived; the original an hour later.
        CliRun upload = station.run("upload", "--json");
        assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
        assertFalse(Files.exists(Spool.envelopeFile(station.station().spool(), entry)), upload::both);
        assertTrue(Files.exists(station.station().receipt(entry)), "the receipt stays: it is the record");
        assertEquals("DELIVERED", entryOf(code.codeId()).state().name(), "the entry stays with its receipt");
        assertTrue(Files.exists(original));
        JsonNode held = retention();
        assertEquals(2, held.get("readablePhotos").asInt());
        assertTrue(held.get("oldestReadablePhotoAgeSeconds").asLong() >= 0, held::toString);
        assertEquals(0, held.get("overdue").size(), held::toString);

        // Past the deadlines (shortened here): any command that opens the spool deletes them.
        Map<String, String> shortened = Map.of("CODEBOUND_RETENTION_ORIGINALS", "PT0S",
                "CODEBOUND_RETENTION_REFUSED_PHOTOS", "PT0S");
        JsonNode overdue = JSON.readTree(station.run(shortened, "", "status", "--json").out()).get("retention");
        assertEquals(2, overdue.get("overdue").size(), overdue::toString);
        CliRun audit = station.run(shortened, "", "audit", "verify", "--json");
        assertEquals(ExitCodes.AUDIT_FAILED, audit.exitCode(), "overdue photos fail the audit: " + audit.both());
        assertTrue(audit.out().contains("is past its deadline"), audit::both);

        CliRun sweep = station.run(shortened, "", "upload", "--json");
        assertEquals(ExitCodes.OK, sweep.exitCode(), sweep::both);
        assertFalse(Files.exists(original), sweep::both);
        assertFalse(Files.exists(camera.resolve("rejected/IMG_0001.jpg")), sweep::both);
        assertFalse(Files.exists(camera.resolve("rejected/IMG_0001.jpg.reason.txt")));
        assertEquals(0, retention().get("readablePhotos").asInt());

        CliRun verified = station.run(shortened, "", "audit", "verify", "--json");
        assertEquals(ExitCodes.OK, verified.exitCode(), verified::both);
        assertEquals(3, JSON.readTree(verified.out()).get("counts").get("retentionDeletions").asInt(),
                verified::both);
        String log = Files.readString(station.station().log().resolve("transfer-log.jsonl"));
        assertTrue(log.contains("\"event\":\"retention-deleted\",\"entryId\":\"" + entry
                + "\",\"kind\":\"ENVELOPE\",\"rule\":\"ENVELOPE_AFTER_DELIVERY\""), log);
        assertTrue(log.contains("\"event\":\"retention-deleted\",\"entryId\":\"" + entry
                + "\",\"kind\":\"ORIGINAL\",\"rule\":\"ORIGINAL_AFTER_DELIVERY\""), log);
        assertTrue(log.contains("\"kind\":\"REFUSED_PHOTO\",\"rule\":\"REFUSED_PHOTO_EXPIRED\""), log);
        assertFalse(log.contains("IMG_0001"), "no file name in the log");

        assertNoReadablePhotoUnder(List.of(station.home(), camera, shared.resolve("registry")));
    }

    @Test
    void anEntryTheRegistryRefusedGoesWithItsOriginalAfterTheUndeliveredDeadline() throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", code.text()).exitCode());
        Path camera = Files.createDirectories(temp.resolve("refused"));
        Files.write(camera.resolve(code.codeId() + ".jpg"), SamplePhotos.good(35));
        assertEquals(ExitCodes.OK, station.run("watch", camera.toString(), "--once", "--settle", "0").exitCode());
        SpoolEntry entry = entryOf(code.codeId());
        registry.revokeCode(code.codeId());
        CliRun upload = station.run("upload");
        assertEquals(ExitCodes.UNDELIVERED, upload.exitCode(), upload::both);
        assertEquals("REJECTED", entryOf(code.codeId()).state().name());
        assertTrue(Files.exists(camera.resolve("done/" + entry.id() + ".jpg")), "kept for a retry meanwhile");

        CliRun sweep = station.run(Map.of("CODEBOUND_RETENTION_UNDELIVERED", "PT0S"), "", "upload");
        assertEquals(ExitCodes.OK, sweep.exitCode(), "the refused entry is gone before the upload looks: "
                + sweep.both());
        assertTrue(Spool.peek(station.station().spool()).isEmpty(), sweep::both);
        assertFalse(Files.exists(camera.resolve("done/" + entry.id() + ".jpg")));
        assertFalse(Files.exists(Spool.envelopeFile(station.station().spool(), entry.id())));
        String log = Files.readString(station.station().log().resolve("transfer-log.jsonl"));
        assertTrue(log.contains("\"entryId\":\"" + entry.id() + "\",\"kind\":\"ORIGINAL\",\"rule\":"
                + "\"ORIGINAL_OF_UNDELIVERED\""), log);
        assertTrue(log.contains("\"entryId\":\"" + entry.id() + "\",\"kind\":\"ENTRY\",\"rule\":"
                + "\"UNDELIVERED_ENTRY\""), log);
        CliRun audit = station.run("audit", "verify");
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::both);
    }

    @Test
    void neverKeepDeletesTheOriginalAsSoonAsItIsSealedAndRecordsIt() throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", code.text()).exitCode());
        Path camera = Files.createDirectories(temp.resolve("never-keep"));
        Path photo = Files.write(camera.resolve(code.codeId() + ".jpg"), SamplePhotos.good(33));

        CliRun watch = station.run(Map.of("CODEBOUND_RETENTION_ORIGINALS", "never"), "", "watch", camera.toString(),
                "--once", "--settle", "0");
        assertEquals(ExitCodes.OK, watch.exitCode(), watch::both);
        assertFalse(Files.exists(photo));
        assertFalse(Files.exists(camera.resolve("done")) && Files.list(camera.resolve("done")).findAny().isPresent());
        String entry = entryOf(code.codeId()).id();
        assertTrue(Files.readString(station.station().log().resolve("transfer-log.jsonl")).contains(
                "\"entryId\":\"" + entry + "\",\"kind\":\"ORIGINAL\",\"rule\":\"ORIGINAL_NEVER_KEPT\""));
    }

    @Test
    void aFileThatCannotBeDeletedIsReportedByTheCommandStatusAndTheAuditThenFinishedOnce() throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", code.text()).exitCode());
        Path camera = Files.createDirectories(temp.resolve("stuck"));
        Files.write(camera.resolve(code.codeId() + ".jpg"), SamplePhotos.good(34));
        assertEquals(ExitCodes.OK, station.run("watch", camera.toString(), "--once", "--settle", "0").exitCode());
        assertEquals(ExitCodes.OK, station.run("upload").exitCode());
        String entry = entryOf(code.codeId()).id();
        // As root no permission makes a file undeletable; a non-empty directory in the original's place cannot be.
        Path stuck = camera.resolve("done/" + entry + ".jpg");
        Files.delete(stuck);
        Files.write(Files.createDirectories(stuck).resolve("inside"), new byte[] {1});
        Map<String, String> shortened = Map.of("CODEBOUND_RETENTION_ORIGINALS", "PT0S");

        CliRun upload = station.run(shortened, "", "upload");
        assertEquals(ExitCodes.OK, upload.exitCode(), "the command's own work goes on: " + upload.both());
        assertTrue(upload.err().contains("error: retention: cannot delete " + stuck + " (ORIGINAL_AFTER_DELIVERY"),
                upload::both);
        CliRun status = station.run(shortened, "", "status");
        assertTrue(status.out().contains("retention problem: cannot delete " + stuck), status::both);
        CliRun audit = station.run(shortened, "", "audit", "verify");
        assertEquals(ExitCodes.AUDIT_FAILED, audit.exitCode(), audit::both);
        assertTrue(audit.out().contains(stuck + " is past its deadline"), audit::both);

        Files.delete(stuck.resolve("inside"));
        CliRun fixed = station.run(shortened, "", "upload");
        assertFalse(fixed.err().contains("retention"), fixed::both);
        assertFalse(Files.exists(stuck));
        assertFalse(station.run(shortened, "", "status").out().contains("retention problem"));
        assertEquals(1, Files.readAllLines(station.station().log().resolve("transfer-log.jsonl")).stream()
                .filter(line -> line.contains("\"kind\":\"ORIGINAL\"")).count(), "recorded once, finished later");
        assertEquals(ExitCodes.OK, station.run(shortened, "", "audit", "verify").exitCode());
    }

    private SpoolEntry entryOf(String codeId) throws Exception {
        return Spool.peek(station.station().spool()).stream().filter(e -> e.info().codeId().equals(codeId))
                .findFirst().orElseThrow();
    }

    private JsonNode retention() throws Exception {
        CliRun status = station.run("status", "--json");
        assertEquals(ExitCodes.OK, status.exitCode(), status::both);
        return JSON.readTree(status.out()).get("retention");
    }

    /** No file under these directories holds a JPEG in clear: neither at its start nor a JFIF or Exif header inside. */
    static void assertNoReadablePhotoUnder(List<Path> roots) throws Exception {
        List<Path> readable = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8
                            || containsJpegHeader(bytes)) {
                        readable.add(file);
                    }
                }
            }
        }
        assertEquals(List.of(), readable, "readable photos past their deadline");
    }

    /** A JPEG's start of image followed by a JFIF or Exif application segment: what a photo in clear holds. */
    static boolean containsJpegHeader(byte[] bytes) {
        for (int i = 0; i + 10 < bytes.length; i++) {
            if ((bytes[i] & 0xFF) == 0xFF && (bytes[i + 1] & 0xFF) == 0xD8 && (bytes[i + 2] & 0xFF) == 0xFF
                    && ((bytes[i + 3] & 0xFF) == 0xE0 && bytes[i + 6] == 'J' && bytes[i + 7] == 'F'
                            && bytes[i + 8] == 'I' && bytes[i + 9] == 'F'
                            || (bytes[i + 3] & 0xFF) == 0xE1 && bytes[i + 6] == 'E' && bytes[i + 7] == 'x'
                            && bytes[i + 8] == 'i' && bytes[i + 9] == 'f')) {
                return true;
            }
        }
        return false;
    }
}
