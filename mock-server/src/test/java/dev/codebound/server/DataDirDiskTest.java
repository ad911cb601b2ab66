package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.server.upload.CompletionHandler;
import dev.codebound.server.upload.CompletionOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The registry's data directory on a real full or read-only disk (a small tmpfs; skipped where it
 * cannot be mounted). A write the disk refuses is a 5xx problem; the upload's acknowledged offset
 * stays what was durably stored; once space (or write access) is back the same upload resumes and
 * completes, with every byte as sent.
 */
class DataDirDiskTest {
    private static final int CHUNK = 64 * 1024;
    private static final String OUTCOME = "Codebound-Outcome";

    @TempDir
    Path temp;

    @Test
    void aChunkThatCannotBeWrittenIs5xxTheOffsetStaysAndTheUploadResumesWhenSpaceIsBack() throws Exception {
        byte[] file = bytes(4 * CHUNK);
        try (SmallDisk disk = SmallDisk.mount(temp.resolve("data"), 4L * 1024 * 1024)) {
            MockRegistry registry = TestRegistries.startPlain(disk.path());
            try {
                TusTestClient tus = TusTestClient.plain(registry, "station-d");
                String location = tus.createPath(file.length);
                assertEquals(204, tus.patch(location, 0, chunk(file, 0)).statusCode());

                disk.fill();
                HttpResponse<String> refused = tus.patch(location, CHUNK, chunk(file, CHUNK));
                assertEquals(500, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("\"reason\":\"STORAGE_FAILURE\""), refused.body());
                assertOffset(tus, location, CHUNK);
                assertEquals(CHUNK, Files.size(dataFile(disk.path(), location)), "the partial chunk was cut away");

                disk.free();
                HttpResponse<String> create = tus.create(file.length);
                assertEquals(201, create.statusCode(), "creations work again: " + create.body());
                for (int offset = CHUNK; offset < file.length; offset += CHUNK) {
                    HttpResponse<String> patched = tus.patch(location, offset, chunk(file, offset));
                    assertEquals(204, patched.statusCode(), patched.body());
                }
                assertEquals(200, tus.get(location + "/result").statusCode());
                assertArrayEquals(file, Files.readAllBytes(dataFile(disk.path(), location)));
            } finally {
                registry.close();
            }
        }
    }

    /**
     * The last chunk is stored but the disk fills before the outcome is recorded: the upload waits
     * with all its bytes and no outcome. Once space is back, asking for the result decides it; a
     * client must not need a registry restart to learn the verdict.
     */
    @Test
    void anOutcomeThatCouldNotBeRecordedIsDecidedWhenTheResultIsAskedForOnceSpaceIsBack() throws Exception {
        byte[] file = bytes(CHUNK);
        try (SmallDisk disk = SmallDisk.mount(temp.resolve("data"), 4L * 1024 * 1024)) {
            AtomicBoolean filled = new AtomicBoolean();
            // An outcome larger than the slack in the journal's last page, so that recording it needs new space.
            byte[] receipt = ("{\"padding\":\"" + "x".repeat(64 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            CompletionHandler fillsTheDiskFirst = (upload, data) -> {
                if (filled.compareAndSet(false, true)) {
                    disk.fill();
                }
                return new CompletionOutcome.Accepted(receipt);
            };
            MockRegistry registry = MockRegistry.start(TestRegistries.plain(disk.path())
                    .completionHandler(fillsTheDiskFirst).build());
            try {
                TusTestClient tus = TusTestClient.plain(registry, "station-d");
                String location = tus.createPath(file.length);
                HttpResponse<String> last = tus.patch(location, 0, file);
                assertEquals(500, last.statusCode(), last.body());
                HttpResponse<String> head = assertOffset(tus, location, file.length);
                assertFalse(head.headers().firstValue(OUTCOME).isPresent(), "no outcome recorded yet");

                disk.free();
                HttpResponse<String> result = tus.get(location + "/result");
                assertEquals(200, result.statusCode(), result.body());
                assertEquals("accepted", assertOffset(tus, location, file.length).headers().firstValue(OUTCOME)
                        .orElseThrow());
            } finally {
                registry.close();
            }
        }
    }

    @Test
    void aRegistryStartedOnAReadOnlyDataDirectoryFailsClearlyAndStartsAfterRemountingReadWrite() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(temp.resolve("data"), 4L * 1024 * 1024)) {
            TestRegistries.startPlain(disk.path()).close();
            disk.readOnly();
            try {
                StringWriter err = new StringWriter();
                CommandLine main = MockRegistryMain.commandLine();
                main.setErr(new PrintWriter(err, true));
                int exit = main.execute("--plain", "--port", "0", "--data-dir", disk.path().toString());
                assertEquals(1, exit, err::toString);
                assertTrue(err.toString().startsWith("error: "), err::toString);
                assertTrue(err.toString().contains("Read-only file system"), err::toString);
                assertFalse(err.toString().contains("\tat "), () -> "no stack trace: " + err);
            } finally {
                disk.readWrite();
            }
            MockRegistry registry = TestRegistries.startPlain(disk.path());
            try {
                TusTestClient tus = TusTestClient.plain(registry, "station-d");
                String location = tus.createPath(CHUNK);
                assertEquals(204, tus.patch(location, 0, bytes(CHUNK)).statusCode());
            } finally {
                registry.close();
            }
        }
    }

    private static HttpResponse<String> assertOffset(TusTestClient tus, String location, long expected)
            throws Exception {
        HttpResponse<String> head = tus.head(location);
        assertEquals(200, head.statusCode());
        assertEquals(Long.toString(expected), head.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        return head;
    }

    private static Path dataFile(Path dataDir, String location) {
        return dataDir.resolve("uploads").resolve(location.substring("/files/".length()) + ".data");
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] chunk(byte[] file, int offset) {
        return Arrays.copyOfRange(file, offset, Math.min(file.length, offset + CHUNK));
    }
}
