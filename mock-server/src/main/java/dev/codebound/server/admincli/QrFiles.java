package dev.codebound.server.admincli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where QR images go: new files only, so that a code handed out earlier is never silently replaced. */
final class QrFiles {
    private QrFiles() {}

    /** Exit code 3 if {@code file} exists: checked before issuing, so nothing is issued for nothing. */
    static void requireAbsent(Path file) throws AdminFailure {
        if (Files.exists(file)) {
            throw new AdminFailure(AdminExitCodes.INPUT, file + " already exists; QR images never replace a file "
                    + "(a code handed out from it would no longer match); choose another name or remove it");
        }
    }

    /** Writes a new file (creating its directory); exit code 3 if it cannot. */
    static void write(Path file, byte[] png) throws AdminFailure {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, png, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, file + " appeared meanwhile; not replaced", e);
        } catch (IOException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
