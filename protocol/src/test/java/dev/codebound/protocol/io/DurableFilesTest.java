package dev.codebound.protocol.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner-only creation and tightening of older trees (POSIX file systems only). */
class DurableFilesTest {
    @TempDir
    Path temp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** An advisory file is replaced whole, and a temporary a killed writer left is taken over, not left. */
    @Test
    void anAdvisoryReplacementTakesOverALeftTemporaryAndLeavesNone() throws Exception {
        Path file = temp.resolve("advisory.json");
        Files.writeString(file, "old");
        Files.writeString(temp.resolve(".advisory.json.tmp"), "half of a write a kill cut");

        DurableFiles.replaceAdvisory(file, "new".getBytes(StandardCharsets.UTF_8));

        assertEquals("new", Files.readString(file));
        try (var left = Files.list(temp)) {
            assertEquals(List.of(file), left.toList());
        }
    }

    /** Several files written together: each replaced whole and owner-only, no temporary left. */
    @Test
    void filesWrittenTogetherReplaceTheirTargetsOwnerOnlyAndLeaveNoTemporary() throws Exception {
        Path old = temp.resolve("codes/AAAA.json");
        DurableFiles.writePrivate(old, "old".getBytes(StandardCharsets.UTF_8));
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(old, "new".getBytes(StandardCharsets.UTF_8));
        files.put(temp.resolve("codes/BBBB.json"), "second".getBytes(StandardCharsets.UTF_8));
        files.put(temp.resolve("other/CCCC.json"), new byte[0]);

        DurableFiles.writeAllPrivate(files);

        assertEquals("new", Files.readString(old));
        assertEquals("second", Files.readString(temp.resolve("codes/BBBB.json")));
        assertEquals(0, Files.size(temp.resolve("other/CCCC.json")));
        for (Path file : files.keySet()) {
            assertEquals("rw-------", mode(file));
        }
        assertEquals("rwx------", mode(temp.resolve("other")));
        try (var left = Files.list(temp.resolve("codes"))) {
            assertEquals(2, left.count(), "no temporary file is left");
        }
    }

    @Test
    void aPrivateWriteCreatesItsMissingDirectoriesOwnerOnly() throws Exception {
        Path file = temp.resolve("a/b/secret.txt");
        DurableFiles.writePrivate(file, "code text".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-------", mode(file));
        assertEquals("rwx------", mode(temp.resolve("a/b")));
        assertEquals("rwx------", mode(temp.resolve("a")));
    }

    @Test
    void privateDirectoriesAndFilesAreOwnerOnlyFromTheStart() throws Exception {
        Path directory = DurableFiles.createPrivateDirectory(temp.resolve("x/y"));
        assertEquals("rwx------", mode(directory));
        assertEquals("rwx------", mode(temp.resolve("x")));
        assertEquals("rwx------", mode(DurableFiles.createNewPrivateDirectory(directory.resolve("z"))));
        assertEquals("rw-------", mode(DurableFiles.createPrivateFile(directory.resolve("data"))));
    }

    @Test
    void anOlderTreeLosesGroupAndOtherBitsAndKeepsTheOwners() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("old/records"));
        Path record = Files.writeString(directory.resolve("code.json"), "{}");
        Path script = Files.writeString(directory.resolve("tool"), "#!/bin/sh");
        Path alreadyTight = Files.writeString(directory.resolve("key.pem"), "k");
        Files.setPosixFilePermissions(temp.resolve("old"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(alreadyTight, DurableFiles.OWNER_ONLY);

        List<Path> changed = DurableFiles.restrictTreeToOwner(temp.resolve("old"));

        assertEquals(Set.of(temp.resolve("old"), directory, record, script), Set.copyOf(changed));
        assertEquals("rwx------", mode(temp.resolve("old")));
        assertEquals("rwx------", mode(directory));
        assertEquals("rw-------", mode(record));
        assertEquals("rwx------", mode(script));
        assertEquals(List.of(), DurableFiles.restrictTreeToOwner(temp.resolve("old")), "nothing left to change");
    }
}
