package dev.codebound.agent.station;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says in words what a {@link FileSystemException} means. The JDK's own message is often just the
 * path ({@code AccessDeniedException: /proc/codebound}), which tells an operator nothing about
 * what to fix.
 */
public final class FileSystemErrors {
    private FileSystemErrors() {}

    /** The operating system's reason, or one named after the exception's kind: "permission denied". */
    public static String reason(FileSystemException failure) {
        if (failure.getReason() != null && !failure.getReason().isBlank()) {
            return failure.getReason();
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NoSuchFileException) {
            return "no such file or directory (or its parent does not allow creating one there)";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (failure instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (failure instanceof DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        return failure.getClass().getSimpleName();
    }

    /** {@code <file>: <reason>}, naming the second file too when there is one (a rename). */
    public static String describe(FileSystemException failure) {
        return failure.getFile() + (failure.getOtherFile() == null ? "" : " -> " + failure.getOtherFile()) + ": "
                + reason(failure);
    }
}
