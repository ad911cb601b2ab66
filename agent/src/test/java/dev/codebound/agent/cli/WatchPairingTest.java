package dev.codebound.agent.cli;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch --pair-with-last-code} against the real mock registry, reproducing each way a photo
 * used to be sealed for the previous graduate (issue 12, item 1): after a refused scan, after the
 * scanner input ended, after the pairing sat idle, and a second photo after one was paired. Each
 * time the photo must be sealed for no code, moved to rejected/ with the reason, and every pairing
 * decision must be in the transfer log without a code's text.
 */
class WatchPairingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();
    static TestStation station;

    @BeforeAll
    static void enrollAStation() throws Exception {
        station = TestStation.enrolled(TestStation.unencrypted(temp.resolve("station")), registry, "--no-passphrase");
    }

    private static RunningCommand watch(Path folder, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("watch", folder.toString(), "--code-stdin",
                "--pair-with-last-code", "--settle", "100", "--poll", "20"));
        args.addAll(List.of(extra));
        RunningCommand watch = RunningCommand.start(station, args.toArray(String[]::new));
        watch.awaitOut("watching ");
        return watch;
    }

    private static Path folder(String name) throws Exception {
        return Files.createDirectories(temp.resolve(name));
    }

    private static Set<String> spooledCodeIds() throws Exception {
        return Spool.peek(station.station().spool()).stream().map(entry -> entry.info().codeId())
                .collect(Collectors.toSet());
    }

    /** The transfer log's records from {@code fromSeq} on, as "event field..." strings without seq and time. */
    private static List<String> logSince(long fromSeq) throws Exception {
        List<String> records = new ArrayList<>();
        for (String line : Files.readAllLines(station.station().log().resolve("transfer-log.jsonl"))) {
            JsonNode record = JSON.readTree(line);
            if (record.get("seq").asLong() < fromSeq || record.get("event").asText().equals("checkpoint")) {
                continue;
            }
            StringBuilder text = new StringBuilder(record.get("event").asText());
            for (String field : List.of("codeId", "reason")) {
                if (record.has(field)) {
                    text.append(' ').append(record.get(field).asText());
                }
            }
            records.add(text.toString());
        }
        return records;
    }

    private static long nextSeq() throws Exception {
        List<String> lines = Files.readAllLines(station.station().log().resolve("transfer-log.jsonl"));
        return JSON.readTree(lines.get(lines.size() - 1)).get("seq").asLong() + 1;
    }

    private static void assertRejectedForNoPairing(Path folder, String name, String why) throws Exception {
        String reason = Files.readString(folder.resolve("rejected/" + name + ".reason.txt"));
        assertTrue(reason.startsWith("paired with no code: " + why), reason);
        assertTrue(Files.notExists(folder.resolve(name)));
    }

    @Test
    void aScannedCodePairsTheNextPhotoAndASecondPhotoIsSealedForNoCode() throws Exception {
        IssuedCode code = registry.issueCode();
        Path folder = folder("second-photo");
        long from = nextSeq();
        RunningCommand watch = watch(folder);
        watch.scan(code.text());
        watch.awaitOut("pairing open: the next photo is sealed for code " + code.codeId());
        Files.write(folder.resolve("IMG_0001.jpg"), SamplePhotos.good(31));
        watch.awaitOut("spooled IMG_0001.jpg for code " + code.codeId());
        Files.write(folder.resolve("IMG_0002.jpg"), SamplePhotos.good(32));
        watch.await(() -> Files.exists(folder.resolve("rejected/IMG_0002.jpg.reason.txt")), "the second photo");
        CliRun run = watch.stop();

        assertRejectedForNoPairing(folder, "IMG_0002.jpg", "no pairing was open when it arrived");
        assertTrue(run.err().contains("IMG_0002.jpg is paired with no code"), run::both);
        assertEquals(1, Spool.peek(station.station().spool()).stream()
                .filter(entry -> entry.info().codeId().equals(code.codeId())).count(), run::both);
        List<String> log = logSince(from);
        assertEquals(List.of("pairing-opened " + code.codeId(), "pairing-closed " + code.codeId() + " PHOTO_PAIRED",
                "code-verified " + code.codeId(), "captured " + code.codeId(), "photo-unpaired NO_OPEN_PAIRING"),
                log, run::both);
        assertNoCodeTextInLog(code);
    }

    @Test
    void withJsonEachEventIsOneObjectOnStandardOutputAndTheTextGoesToStandardError() throws Exception {
        IssuedCode code = registry.issueCode();
        Path folder = folder("json-events");
        RunningCommand watch = RunningCommand.start(station, "watch", folder.toString(), "--code-stdin",
                "--pair-with-last-code", "--settle", "100", "--poll", "20", "--json");
        watch.awaitOut("{\"event\":\"watching\"");
        watch.scan("not a code");
        watch.scan(code.text());
        watch.awaitOut("\"event\":\"pairingOpened\"");
        Files.write(folder.resolve("IMG_0001.jpg"), SamplePhotos.good(41));
        watch.awaitOut("\"event\":\"spooled\"");
        Files.write(folder.resolve("IMG_0002.jpg"), SamplePhotos.good(42));
        watch.awaitOut("\"event\":\"rejected\"");
        CliRun run = watch.stop();

        List<JsonNode> events = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            events.add(JSON.readTree(line));
        }
        List<String> types = events.stream().map(event -> event.get("event").asText()).toList();
        assertEquals(List.of("watching", "scanRefused", "scanned", "pairingOpened", "pairingClosed", "spooled",
                "unpaired", "rejected"), types, run::both);
        assertEquals("MALFORMED", events.get(1).get("reason").asText(), run::both);
        assertEquals(code.codeId(), events.get(2).get("codeId").asText(), run::both);
        assertEquals(code.codeId(), events.get(3).get("codeId").asText(), run::both);
        assertEquals("PHOTO_PAIRED", events.get(4).get("reason").asText(), run::both);
        JsonNode spooled = events.get(5);
        assertEquals(code.codeId(), spooled.get("codeId").asText(), run::both);
        assertEquals("IMG_0001.jpg", spooled.get("photo").asText(), run::both);
        assertTrue(Spool.peek(station.station().spool()).stream()
                .anyMatch(entry -> entry.id().equals(spooled.get("entry").asText())), run::both);
        assertEquals("NO_OPEN_PAIRING", events.get(6).get("reason").asText(), run::both);
        assertEquals("IMG_0002.jpg", events.get(7).get("photo").asText(), run::both);
        assertTrue(run.err().contains("pairing open: the next photo is sealed for code " + code.codeId()), run::both);
        assertFalse(run.out().contains(code.text()), "no code text in the events");
    }

    @Test
    void aPhotoAfterARefusedScanIsNotSealedForThePreviousCode() throws Exception {
        IssuedCode previous = registry.issueCode();
        Path folder = folder("refused-scan");
        long from = nextSeq();
        RunningCommand watch = watch(folder);
        watch.scan(previous.text());
        watch.awaitOut("pairing open: the next photo is sealed for code " + previous.codeId());
        watch.scan("CB1:this-is-not-a-code");
        watch.awaitErr("pairing with code " + previous.codeId() + " closed without a photo: the last scan was "
                + "refused");
        Files.write(folder.resolve("IMG_0003.jpg"), SamplePhotos.good(33));
        watch.await(() -> Files.exists(folder.resolve("rejected/IMG_0003.jpg.reason.txt")), "the photo");
        CliRun run = watch.stop();

        assertRejectedForNoPairing(folder, "IMG_0003.jpg", "no pairing was open when it arrived");
        assertFalse(spooledCodeIds().contains(previous.codeId()), run::both);
        assertEquals(List.of("pairing-opened " + previous.codeId(),
                "pairing-closed " + previous.codeId() + " SCAN_REFUSED", "photo-unpaired NO_OPEN_PAIRING"),
                logSince(from), run::both);
    }

    @Test
    void aPhotoAfterTheScannerInputEndedIsNotSealedForTheLastCode() throws Exception {
        IssuedCode last = registry.issueCode();
        Path folder = folder("scanner-ended");
        long from = nextSeq();
        RunningCommand watch = watch(folder);
        watch.scan(last.text());
        watch.awaitOut("pairing open: the next photo is sealed for code " + last.codeId());
        watch.endInput();
        watch.awaitErr("the scanner input ended");
        watch.awaitErr("pairing with code " + last.codeId() + " closed without a photo: the scanner input ended");
        Files.write(folder.resolve("IMG_0004.jpg"), SamplePhotos.good(34));
        watch.await(() -> Files.exists(folder.resolve("rejected/IMG_0004.jpg.reason.txt")), "the photo");
        CliRun run = watch.stop();

        assertRejectedForNoPairing(folder, "IMG_0004.jpg", "no pairing was open when it arrived");
        assertFalse(spooledCodeIds().contains(last.codeId()), run::both);
        assertEquals(List.of("pairing-opened " + last.codeId(), "pairing-closed " + last.codeId() + " SCANNER_ENDED",
                "photo-unpaired NO_OPEN_PAIRING"), logSince(from), run::both);
    }

    @Test
    void aPairingWithoutAPhotoClosesAfterTheTimeout() throws Exception {
        IssuedCode idle = registry.issueCode();
        Path folder = folder("idle");
        long from = nextSeq();
        RunningCommand watch = watch(folder, "--pairing-timeout", "1");
        watch.scan(idle.text());
        watch.awaitOut("pairing open: the next photo is sealed for code " + idle.codeId());
        watch.awaitErr("pairing with code " + idle.codeId() + " closed without a photo: no photo arrived within 1 s");
        Files.write(folder.resolve("IMG_0005.jpg"), SamplePhotos.good(35));
        watch.await(() -> Files.exists(folder.resolve("rejected/IMG_0005.jpg.reason.txt")), "the photo");
        CliRun run = watch.stop();

        assertRejectedForNoPairing(folder, "IMG_0005.jpg", "no pairing was open when it arrived");
        assertFalse(spooledCodeIds().contains(idle.codeId()), run::both);
        assertEquals(List.of("pairing-opened " + idle.codeId(), "pairing-closed " + idle.codeId() + " IDLE_TIMEOUT",
                "photo-unpaired NO_OPEN_PAIRING"), logSince(from), run::both);
    }

    @Test
    void aPhotoAlreadyInTheFolderWhenTheNextCodeIsScannedIsNotSealedForIt() throws Exception {
        IssuedCode next = registry.issueCode();
        Path folder = folder("before-scan");
        long from = nextSeq();
        RunningCommand watch = watch(folder);
        // The previous graduate's photo, still being written (as a .part file the camera renames) at the scan.
        Path writing = Files.write(folder.resolve("IMG_0006.jpg.part"), SamplePhotos.good(36));
        watch.scan(next.text());
        watch.awaitOut("pairing open: the next photo is sealed for code " + next.codeId());
        Files.move(writing, folder.resolve("IMG_0006.jpg"));
        watch.await(() -> Files.exists(folder.resolve("rejected/IMG_0006.jpg.reason.txt")), "the earlier photo");
        Files.write(folder.resolve("IMG_0007.jpg"), SamplePhotos.good(37));
        watch.awaitOut("spooled IMG_0007.jpg for code " + next.codeId());
        IssuedCode unused = registry.issueCode();
        watch.scan(unused.text());
        watch.awaitOut("pairing open: the next photo is sealed for code " + unused.codeId());
        CliRun run = watch.stop();

        assertRejectedForNoPairing(folder, "IMG_0006.jpg", "it was already in the folder when the open pairing's "
                + "code was scanned");
        List<String> log = logSince(from);
        assertEquals(List.of("pairing-opened " + next.codeId(), "photo-unpaired ARRIVED_BEFORE_SCAN",
                "pairing-closed " + next.codeId() + " PHOTO_PAIRED", "code-verified " + next.codeId(),
                "captured " + next.codeId()), log.subList(0, 5), run::both);
        assertEquals(List.of("pairing-opened " + unused.codeId(),
                "pairing-closed " + unused.codeId() + " WATCH_STOPPED"),
                log.subList(5, log.size()), "stopping closes the open pairing\n" + run.both());
    }

    @Test
    void pairingNeedsTheScannerAndARunningWatch() throws Exception {
        Path folder = folder("usage");
        CliRun once = station.run("watch", folder.toString(), "--once", "--code-stdin", "--pair-with-last-code");
        assertEquals(ExitCodes.USAGE, once.exitCode(), once::both);
        assertTrue(once.err().contains("needs --code-stdin (the scanner) and a running watch, not --once"),
                once::both);
        CliRun noScanner = station.run("watch", folder.toString(), "--pair-with-last-code");
        assertEquals(ExitCodes.USAGE, noScanner.exitCode(), noScanner::both);
    }

    private static void assertNoCodeTextInLog(IssuedCode code) throws Exception {
        String log = Files.readString(station.station().log().resolve("transfer-log.jsonl"));
        assertFalse(log.contains(code.text()), "the log holds code ids, never a code's text");
    }
}
