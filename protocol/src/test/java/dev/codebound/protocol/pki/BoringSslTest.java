package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where BoringSSL may be unpacked: only a directory nobody but this user can write to. That the
 * launcher's default leaves nothing behind and that an unsafe directory keeps BoringSSL out of a
 * whole agent run is checked on the installation (StationInstallationIT), since a process loads the
 * library only once.
 */
class BoringSslTest {
    @TempDir
    Path temporary;

    @Test
    void aDirectoryOnlyItsOwnerCanWriteToIsPrivate() throws Exception {
        Path directory = Files.createDirectory(temporary.resolve("native"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertNull(BoringSsl.whyNotPrivate(directory));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertNull(BoringSsl.whyNotPrivate(directory), "others may read and enter, not write");
    }

    @Test
    void aMissingDirectoryIsMadeForItsOwnerAlone() throws Exception {
        Path directory = temporary.resolve("var/lib/codebound/native");
        assertNull(BoringSsl.whyNotPrivate(directory));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    }

    @Test
    void aDirectoryTheGroupOrOthersCanWriteToIsRefusedWithWhatToDo() throws Exception {
        for (String mode : new String[] {"rwxrwxrwx", "rwxrwx---", "rwx----w-"}) {
            Path directory = Files.createDirectory(temporary.resolve(mode));
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
            assertEquals("can be written by others (" + mode + "); allow only its owner to write to it (chmod 700)",
                    BoringSsl.whyNotPrivate(directory), mode);
        }
    }

    @Test
    void aFileIsNoDirectory() throws Exception {
        Path file = Files.writeString(temporary.resolve("libconscrypt.so"), "not a directory");
        assertEquals("is not a directory", BoringSsl.whyNotPrivate(file));
    }

    @Test
    void theLibraryLoadsHereOnceAndTheWorkDirectoryPropertyIsLeftAsItWas() {
        BoringSsl.Loaded loaded = BoringSsl.load();
        assertNotNull(loaded.provider(), "BoringSSL should load on Linux x86_64: " + loaded.whyNot());
        assertNull(loaded.whyNot());
        assertSame(loaded, BoringSsl.load(), "loaded once per process");
        assertNull(System.getProperty(BoringSsl.WORK_DIRECTORY_PROPERTY),
                "the private directory's name is not left in a system property once it is gone");
        assertSame(loaded.provider(), Providers.choose("native").provider());
        assertSame(loaded.provider(), Providers.choose("auto").provider());
    }
}
