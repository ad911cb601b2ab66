package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by an earlier version, with the umask's modes (directories 0755, files
 * 0644), is made owner-only when the registry starts over it; a new one is owner-only from the start.
 */
class DataDirPermissionsTest {
    @TempDir
    Path temp;

    @Test
    void aNewDataDirIsOwnerOnlyAndAnOldOneIsTightenedAtStart() throws Exception {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        Path dataDir = temp.resolve("registry-data");
        try (MockRegistry registry = MockRegistry.start(TestRegistries.plain(dataDir).build())) {
            TusTestClient tus = TusTestClient.plain(registry, "station-1");
            String location = tus.createPath(3);
            assertEquals(204, tus.patch(location, 0, new byte[] {1, 2, 3}).statusCode());
        }
        assertEquals(List.of(), open(dataDir), "created owner-only");

        for (Path entry : entries(dataDir)) {
            Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString(
                    Files.isDirectory(entry) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        assertTrue(open(dataDir).size() > 10, "as an earlier version left it: " + open(dataDir));

        try (MockRegistry restarted = MockRegistry.start(TestRegistries.plain(dataDir).build())) {
            assertEquals(List.of(), open(dataDir), "tightened at start");
            assertEquals(200, TusTestClient.plain(restarted, "station-1").get("/health").statusCode());
        }
    }

    private static List<Path> entries(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(entry -> !Files.isSymbolicLink(entry)).toList();
        }
    }

    /** Entries with any group or other permission bit, with their modes. */
    private static List<String> open(Path root) throws IOException {
        return entries(root).stream().map(entry -> {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
                boolean open = mode.stream().anyMatch(bit -> bit.name().startsWith("GROUP_")
                        || bit.name().startsWith("OTHERS_"));
                return open ? root.relativize(entry) + " " + PosixFilePermissions.toString(mode) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).filter(description -> !description.isEmpty()).toList();
    }
}
