package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.SmallDisk;
import dev.codebound.testkit.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The station home on a real full or read-only disk (a small tmpfs; skipped where it cannot be
 * mounted): {@code capture} and {@code upload} fail with one clear line and a documented exit code,
 * never a stack trace; nothing in the spool is corrupted; once the space (or write access) is back,
 * the same commands succeed and every photo is delivered once.
 */
class StationDiskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DISK = 2L * 1024 * 1024;

    @TempDir
    Path temp;
    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void captureOnAFullDiskFailsClearlyKeepsTheSpoolIntactAndWorksOnceSpaceIsBack() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(temp.resolve("station"), DISK)) {
            TestStation station = TestStation.enrolled(TestStation.unencrypted(disk.path()), registry,
                    "--no-passphrase");
            String first = capture(station, registry, 1);

            disk.fill();
            Path photo = photo(2);
            CliRun refused = station.run("capture", "--code", registry.issueCode().text(), photo.toString());
            assertClearFailure(refused, "No space left on device");
            assertTrue(Files.exists(photo), "the photographer still has the photo");
            assertSpoolHoldsExactly(station, List.of(first));

            disk.free();
            String second = capture(station, registry, 2);
            assertSpoolHoldsExactly(station, List.of(first, second));
            CliRun upload = station.run("upload", "--json");
            assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
            assertEquals(2, JSON.readTree(upload.out()).get("delivered").asInt(), upload::both);
        }
    }

    @Test
    void uploadOnAFullDiskFailsClearlyAndTheNextUploadDeliversEverythingOnce() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(temp.resolve("station"), DISK)) {
            TestStation station = TestStation.enrolled(TestStation.unencrypted(disk.path()), registry,
                    "--no-passphrase");
            String first = capture(station, registry, 1);
            String second = capture(station, registry, 2);

            disk.fill();
            CliRun refused = station.run("upload", "--json");
            assertClearFailure(refused, "No space left on device");
            assertSpoolHoldsExactly(station, List.of(first, second));

            disk.free();
            CliRun upload = station.run("upload", "--json");
            assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
            try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
                for (SpoolEntry entry : spool.entries()) {
                    assertEquals(EntryState.DELIVERED, entry.state(), entry::toString);
                    assertTrue(Files.exists(station.station().receipt(entry.id())), "receipt stored");
                }
            }
            // The refused run had created uploads (with their bodies: these envelopes fit in the creation request)
            // whose URLs it could not record; the registry answered the second uploads with the same receipts.
            for (String entry : List.of(first, second)) {
                Receipt receipt = ReceiptCodec.verify(Files.readAllBytes(station.station().receipt(entry)),
                        new StationTrust(station.station()).bundle(), "receipt");
                assertEquals(1, receipt.photoVersion(), "accepted once: " + receipt);
            }
        }
    }

    @Test
    void aReadOnlyHomeRefusesCaptureAndUploadClearlyAndBothWorkAfterRemountingReadWrite() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(temp.resolve("station"), DISK)) {
            TestStation station = TestStation.enrolled(TestStation.unencrypted(disk.path()), registry,
                    "--no-passphrase");
            String first = capture(station, registry, 1);

            disk.readOnly();
            try {
                CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo(2).toString());
                assertClearFailure(capture, "Read-only file system");
                CliRun upload = station.run("upload");
                assertClearFailure(upload, "Read-only file system");
                CliRun status = station.run("status", "--json");
                assertEquals(ExitCodes.OK, status.exitCode(), status::both);
                assertEquals(1, JSON.readTree(status.out()).get("counts").get("queued").asInt(), status::both);
            } finally {
                disk.readWrite();
            }

            String second = capture(station, registry, 2);
            assertSpoolHoldsExactly(station, List.of(first, second));
            CliRun upload = station.run("upload", "--json");
            assertEquals(ExitCodes.OK, upload.exitCode(), upload::both);
            assertEquals(2, JSON.readTree(upload.out()).get("delivered").asInt(), upload::both);
        }
    }

    private String capture(TestStation station, CodeboundRegistry registry, int seed) throws Exception {
        CliRun capture = station.run("capture", "--code", registry.issueCode().text(), photo(seed).toString(),
                "--json");
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        return JSON.readTree(capture.out()).get("entry").asText();
    }

    private Path photo(int seed) throws Exception {
        Path photo = temp.resolve("photo-" + seed + ".jpg");
        if (!Files.exists(photo)) {
            Files.write(photo, SamplePhotos.good(seed));
        }
        return photo;
    }

    /**
     * One "error:" line naming the cause (or, with --json, one JSON error object on standard output),
     * a station exit code, no stack trace.
     */
    private static void assertClearFailure(CliRun run, String cause) {
        assertEquals(ExitCodes.STATION, run.exitCode(), run::both);
        String report = run.out().startsWith("{\"error\":") ? run.out() : run.err();
        assertTrue(report.startsWith("error: ") || report.startsWith("{\"error\":"), run::both);
        assertTrue(report.contains(cause), run::both);
        assertFalse(run.both().contains("\tat "), () -> "no stack trace: " + run.both());
    }

    /** The spool opens without finding anything to repair and holds exactly these entries, nothing half-written. */
    private static void assertSpoolHoldsExactly(TestStation station, List<String> ids) throws Exception {
        try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
            assertTrue(spool.recoveryReport().repairs().stream().noneMatch(repair -> repair.corruption()),
                    () -> "no corruption: " + spool.recoveryReport());
            assertEquals(ids.stream().sorted().toList(), spool.entries().stream().map(SpoolEntry::id).sorted()
                    .toList());
            for (SpoolEntry entry : spool.entries()) {
                assertEquals(entry.id(), spool.verify(entry.id()).id());
                assertTrue(spool.entry(entry.id()).orElseThrow().state() != EntryState.CORRUPT, entry::toString);
            }
        }
        try (Stream<Path> files = Files.list(station.station().spool().resolve("envelopes"))) {
            assertEquals(ids.size(), files.count(), "spool/envelopes holds the entries' envelopes and nothing else");
        }
        assertFalse(Files.exists(station.station().spool().resolve("quarantine")), "nothing was quarantined");
    }
}
