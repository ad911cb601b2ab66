package dev.codebound.protocol.pki;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.Provider;
import java.util.Set;
import org.conscrypt.Conscrypt;

/**
 * Loads BoringSSL, Conscrypt's native library, so that no other user of the machine can put their own
 * code in its place.
 *
 * <p>Conscrypt unpacks the library from its jar into a work directory and loads it from there. By
 * default that directory is {@code java.io.tmpdir}, shared by every user, and the file gets a name
 * that can be guessed (the time in milliseconds) and whatever permissions the umask leaves. Under a
 * permissive umask another local user could rewrite the library between its unpacking and its
 * loading, and their code would then run inside the agent, beside its private key. So, unless the
 * operator names a work directory with {@value #WORK_DIRECTORY_PROPERTY}, the library is unpacked into
 * a new directory that only this user can enter (mode 700), removed again once the library is loaded.
 * A directory the operator names (for a machine whose temporary directory is mounted {@code noexec},
 * say) is used only if it is private in the same way: owned by this user and writable by nobody else.
 * Otherwise BoringSSL is not loaded, and the reason is kept for {@link Providers#describeEngine()}.
 *
 * <p>The library is loaded at most once per process, so this runs once; later calls return the same
 * result.
 */
final class BoringSsl {
    /** Conscrypt's system property naming the directory it unpacks its native library into. */
    static final String WORK_DIRECTORY_PROPERTY = "org.conscrypt.native.workdir";

    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = Set.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private static Loaded loaded;

    private BoringSsl() {}

    /** BoringSSL's provider, or why it could not be loaded: one of the two is null. */
    record Loaded(Provider provider, String whyNot) {}

    /** Loads BoringSSL on first call, from a private work directory, and returns the same result thereafter. */
    static synchronized Loaded load() {
        if (loaded == null) {
            loaded = loadOnce();
        }
        return loaded;
    }

    private static Loaded loadOnce() {
        String named = System.getProperty(WORK_DIRECTORY_PROPERTY);
        if (named != null) {
            String whyNot = whyNotPrivate(Path.of(named));
            return whyNot != null ? new Loaded(null, WORK_DIRECTORY_PROPERTY + "=" + named + " " + whyNot) : loadConscrypt();
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("codebound-boringssl-",
                    PosixFilePermissions.asFileAttribute(DurableFiles.OWNER_ONLY_DIRECTORY));
        } catch (IOException | UnsupportedOperationException e) {
            return new Loaded(null, "no private directory to unpack it into in " + System.getProperty("java.io.tmpdir")
                    + " (" + e + "); name one with -D" + WORK_DIRECTORY_PROPERTY);
        }
        System.setProperty(WORK_DIRECTORY_PROPERTY, directory.toString());
        try {
            return loadConscrypt();
        } finally {
            System.clearProperty(WORK_DIRECTORY_PROPERTY);
            removeIfEmpty(directory);
        }
    }

    private static Loaded loadConscrypt() {
        if (Conscrypt.isAvailable()) {
            return new Loaded(Conscrypt.newProvider(), null);
        }
        try {
            Conscrypt.checkAvailability();
            return new Loaded(null, "Conscrypt gave no cause");
        } catch (Throwable cause) {
            return new Loaded(null, cause.toString());
        }
    }

    /**
     * Why {@code directory} is no safe place to unpack a library into, or null if it is: it must be a
     * directory (made, mode 700, if it does not exist) owned by this process's user and writable by
     * no one else.
     */
    static String whyNotPrivate(Path directory) {
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                DurableFiles.createPrivateDirectory(directory);
            }
            if (Files.getFileAttributeView(directory, PosixFileAttributeView.class) == null) {
                return "is on a file system without POSIX permissions, where who may write to it cannot be checked";
            }
            PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
            if (!attributes.isDirectory()) {
                return "is not a directory";
            }
            UserPrincipal me = directory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            if (!attributes.owner().equals(me)) {
                return "belongs to " + attributes.owner().getName() + ", not to " + me.getName()
                        + ", who runs this process; use a directory of " + me.getName() + "'s own";
            }
            if (attributes.permissions().stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
                return "can be written by others (" + PosixFilePermissions.toString(attributes.permissions())
                        + "); allow only its owner to write to it (chmod 700)";
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot be checked or made (" + e + ")";
        }
    }

    /**
     * Removes the work directory made for this load, which Conscrypt has emptied. It stays if it cannot
     * be removed, or if it still holds the library because Conscrypt was told to delete it only at exit
     * ({@code org.conscrypt.native.deleteLibAfterLoading=false}): private and then empty, it harms
     * nothing, and the load stands.
     */
    private static void removeIfEmpty(Path directory) {
        try {
            Files.deleteIfExists(directory);
        } catch (IOException keptOrStuck) {
            // Left as it is: see above.
        }
    }
}
