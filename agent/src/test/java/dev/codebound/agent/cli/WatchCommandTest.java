package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.registry.junit.IssuedCode;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The hot folder against the real mock registry: pairing, partial files, done/ and rejected/. */
class WatchCommandTest {
    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();
    static TestStation station;

    @BeforeAll
    static void enrollAStation() throws Exception {
        station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry, "--no-passphrase");
    }

    @Test
    void namedPhotoIsSealedForItsRememberedCodeAndPartialFilesAreLeftAlone() throws Exception {
        IssuedCode code = registry.issueCode();
        IssuedCode later = registry.issueCode();
        CliRun remember = station.run("code", "verify", "--remember", code.text());
        assertEquals(ExitCodes.OK, remember.exitCode(), remember::both);
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", later.text()).exitCode());

        Path folder = Files.createDirectories(temp.resolve("camera"));
        Files.write(folder.resolve(code.codeId() + ".jpg"), SamplePhotos.good(10));
        byte[] whole = SamplePhotos.good(11);
        byte[] partial = Arrays.copyOf(whole, whole.length / 2);
        Files.write(folder.resolve(later.codeId() + ".jpg"), partial);
        Files.write(folder.resolve(".hidden.jpg"), whole);
        Files.write(folder.resolve("IMG_0007.jpg.part"), whole);

        CliRun watch = station.run("watch", folder.toString(), "--once", "--settle", "200");
        assertEquals(ExitCodes.OK, watch.exitCode(), watch::both);
        assertTrue(watch.out().startsWith("spooled " + code.codeId() + ".jpg for code " + code.codeId()), watch::both);
        assertTrue(Files.exists(original(folder, code)), "the original is named after its entry in done/");
        assertArrayEquals(partial, Files.readAllBytes(folder.resolve(later.codeId() + ".jpg")),
                "a photo still being written is not touched");
        assertTrue(Files.exists(folder.resolve(".hidden.jpg")) && Files.exists(folder.resolve("IMG_0007.jpg.part")));
        StationDayTest.assertNoPlaintextPhotoUnder(station.home());

        // The camera finishes writing: the next pass takes the photo.
        Files.write(folder.resolve(later.codeId() + ".jpg"), whole);
        CliRun second = station.run("watch", folder.toString(), "--once", "--settle", "200");
        assertEquals(ExitCodes.OK, second.exitCode(), second::both);
        assertTrue(Files.exists(original(folder, later)), second::both);
    }

    @Test
    void aSealedPhotoThatACrashPutBackIsNotSealedAgain() throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", code.text()).exitCode());
        Path folder = Files.createDirectories(temp.resolve("power-cut"));
        Path photo = folder.resolve(code.codeId() + ".jpg");
        Files.write(photo, SamplePhotos.good(12));
        CliRun first = station.run("watch", folder.toString(), "--once", "--settle", "200");
        assertEquals(ExitCodes.OK, first.exitCode(), first::both);
        long entries = entriesFor(code);
        assertEquals(1, entries, first::both);

        // A power cut after the spool commit undoes the photo's rename to done/, which is not synced.
        Files.move(original(folder, code), photo);
        CliRun again = station.run("--json", "watch", folder.toString(), "--once", "--settle", "200");
        assertEquals(ExitCodes.OK, again.exitCode(), again::both);
        assertTrue(again.out().contains("\"event\":\"alreadySealed\""), again::both);
        assertTrue(again.err().contains("already sealed " + code.codeId() + ".jpg for code " + code.codeId()),
                again::both);
        assertEquals(entries, entriesFor(code), "the photo is not sealed a second time");
        assertTrue(Files.exists(original(folder, code)) && !Files.exists(photo), "it is back in done/");

        // A new photo under the same name is a retake, sealed as the photographer asked; the same bytes named
        // after another code are no leftover either: that code's checks decide.
        IssuedCode other = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", other.text()).exitCode());
        Files.write(photo, SamplePhotos.good(13));
        Files.write(folder.resolve(other.codeId() + ".jpg"), SamplePhotos.good(12));
        CliRun retake = station.run("watch", folder.toString(), "--once", "--settle", "200");
        assertEquals(ExitCodes.OK, retake.exitCode(), retake::both);
        assertEquals(entries + 1, entriesFor(code), "a different photo for the same code is a retake");
        assertEquals(1, entriesFor(other), retake::both);
    }

    private static long entriesFor(IssuedCode code) throws Exception {
        return Spool.peek(station.station().spool()).stream()
                .filter(entry -> entry.info().codeId().equals(code.codeId())).count();
    }

    @Test
    void codesScannedOnStandardInputAreRememberedAndRefusalsCarryTheirReasons() throws Exception {
        IssuedCode code = registry.issueCode();
        IssuedCode other = registry.issueCode();
        Path folder = Files.createDirectories(temp.resolve("tethered"));
        Files.write(folder.resolve(code.codeId() + ".jpg"), SamplePhotos.good(12));
        Files.write(folder.resolve(other.codeId() + ".jpg"), SamplePhotos.bad(SamplePhotos.Defect.WRONG_SIZE, 13));

        CliRun watch = station.run(Map.of(), code.text() + "\n" + other.text() + "\n", "watch", folder.toString(),
                "--once", "--settle", "100", "--code-stdin");
        assertEquals(ExitCodes.PHOTO_REFUSED, watch.exitCode(), watch::both);
        assertTrue(watch.out().contains("scanned code " + code.codeId()), watch::both);
        assertTrue(watch.out().contains("spooled " + code.codeId() + ".jpg for code " + code.codeId()), watch::both);
        assertTrue(Files.exists(original(folder, code)));
        assertTrue(Files.exists(folder.resolve("rejected/" + other.codeId() + ".jpg")));
        assertTrue(Files.readString(folder.resolve("rejected/" + other.codeId() + ".jpg.reason.txt"))
                .contains("ERROR dimensions: photo is 600×800; must be 480×640"));
    }

    @Test
    void aPhotoTheCameraNeverFinishedIsReportedThenMovedToRejected() throws Exception {
        IssuedCode code = registry.issueCode();
        assertEquals(ExitCodes.OK, station.run("code", "verify", "--remember", code.text()).exitCode());
        Path folder = Files.createDirectories(temp.resolve("cut-short"));
        byte[] whole = SamplePhotos.good(16);
        Path cut = Files.write(folder.resolve(code.codeId() + ".jpg"), Arrays.copyOf(whole, whole.length / 2));

        CliRun once = station.run("watch", folder.toString(), "--once", "--settle", "100");
        assertEquals(ExitCodes.OK, once.exitCode(), once::both);
        assertTrue(once.err().contains(code.codeId() + ".jpg has stopped changing but has no JPEG end marker"),
                once::both);
        assertTrue(Files.exists(cut), "--once does not wait for the grace: the file is left for the camera");

        RunningCommand watch = RunningCommand.start(station, "watch", folder.toString(), "--settle", "100",
                "--poll", "20", "--incomplete-after", "1");
        watch.await(() -> Files.exists(folder.resolve("rejected/" + code.codeId() + ".jpg.reason.txt")),
                "the unfinished photo to be rejected");
        CliRun run = watch.stop();
        assertTrue(run.err().contains("has no JPEG end marker (FF D9): waiting up to 1 s"), run::both);
        assertTrue(Files.readString(folder.resolve("rejected/" + code.codeId() + ".jpg.reason.txt"))
                .startsWith("the camera never finished writing this photo: it has no JPEG end marker"), run::both);
        assertTrue(Files.notExists(cut));
        assertTrue(run.out().contains("rejected " + code.codeId() + ".jpg: the camera never finished"), run::both);
    }

    /** Where watch keeps the original of the photo sealed for {@code code}: {@code done/<entry id>.jpg}. */
    /**
     * A code remembered by an agent from before the scanned codes' journal (in its
     * {@code scanned-codes.json}) still names its photo after the upgrade: the file is carried into
     * the journal, then replaced by one that older agent refuses.
     */
    @Test
    void aCodeRememberedBeforeTheJournalStillNamesItsPhoto() throws Exception {
        IssuedCode code = registry.issueCode();
        Path legacy = station.station().scannedCodes().resolveSibling("scanned-codes.json");
        Files.writeString(legacy, "{\"codes\":[{\"codeId\":\"" + code.codeId() + "\",\"text\":\"" + code.text()
                + "\",\"scannedAt\":\"" + Instant.now() + "\"}]}");
        Path folder = Files.createDirectories(temp.resolve("camera-after-upgrade"));
        Files.write(folder.resolve(code.codeId() + ".jpg"), SamplePhotos.good(14));

        CliRun watch = station.run("watch", folder.toString(), "--once", "--settle", "0");
        assertEquals(ExitCodes.OK, watch.exitCode(), watch::both);
        assertTrue(Files.exists(original(folder, code)), watch::both);
        assertTrue(Files.readString(legacy).startsWith("{\"codes\":\"moved to scanned-codes.journal"),
                Files.readString(legacy));
    }

    private static Path original(Path folder, IssuedCode code) throws Exception {
        String entry = Spool.peek(station.station().spool()).stream()
                .filter(candidate -> candidate.info().codeId().equals(code.codeId())).findFirst().orElseThrow().id();
        return folder.resolve("done").resolve(entry + ".jpg");
    }

    /**
     * "scanned code ..." tells the photographer the code is remembered for its photo: it is said
     * only once the scan is on disk. Here the scanned codes cannot be written (a directory stands
     * where the journal goes), so the scan is verified but never announced.
     */
    @Test
    void aScanIsAnnouncedOnlyOnceItIsRemembered() throws Exception {
        TestStation unwritable = TestStation.enrolled(TestStation.unencrypted(temp.resolve("unwritable")), registry,
                "--no-passphrase");
        Files.createDirectories(unwritable.station().scannedCodes());
        IssuedCode code = registry.issueCode();
        Path folder = Files.createDirectories(temp.resolve("unannounced"));

        CliRun watch = unwritable.run(Map.of(), code.text() + "\n", "watch", folder.toString(), "--once",
                "--settle", "0", "--code-stdin");

        assertTrue(watch.exitCode() != ExitCodes.OK, watch::both);
        assertFalse(watch.out().contains("scanned code " + code.codeId()), watch::both);
    }

    @Test
    void aPhotoNamedAfterAnUnscannedCodeIsRejected() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("unscanned"));
        Files.write(folder.resolve("ABCDEFGHIJKLMNOP.jpg"), SamplePhotos.good(14));
        Files.write(folder.resolve("portrait.jpg"), SamplePhotos.good(15));
        CliRun watch = station.run("watch", folder.toString(), "--once", "--settle", "0", "--json");
        assertEquals(ExitCodes.PHOTO_REFUSED, watch.exitCode(), watch::both);
        List<String> rejected = new ArrayList<>();
        for (String line : watch.out().lines().toList()) {
            JsonNode event = new ObjectMapper().readTree(line);
            assertEquals("rejected", event.get("event").asText(), watch::both);
            rejected.add(event.get("photo").asText());
        }
        assertEquals(Set.of("ABCDEFGHIJKLMNOP.jpg", "portrait.jpg"), Set.copyOf(rejected), watch::both);
        assertTrue(watch.err().contains("rejected portrait.jpg: the file name is not <code id>.jpg"), watch::both);
        assertTrue(Files.readString(folder.resolve("rejected/ABCDEFGHIJKLMNOP.jpg.reason.txt"))
                .startsWith("no scanned code has id ABCDEFGHIJKLMNOP"));
        assertTrue(Files.readString(folder.resolve("rejected/portrait.jpg.reason.txt"))
                .startsWith("the file name is not <code id>.jpg"));
    }
}
