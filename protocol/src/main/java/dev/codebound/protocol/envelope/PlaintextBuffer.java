package dev.codebound.protocol.envelope;

import dev.codebound.protocol.io.DurableFiles;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Private storage for decrypted photo bytes until every check has passed: memory up to a
 * threshold, then an owner-only temporary file. Nothing here is visible to the caller until
 * {@link OpenedEnvelope} hands it out; {@link #close()} deletes the file.
 */
final class PlaintextBuffer implements Closeable {
    private final Path directory;
    private final int memoryThreshold;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;
    private IOException storageFailure;

    PlaintextBuffer(Path directory, int memoryThreshold) {
        this.directory = directory;
        this.memoryThreshold = memoryThreshold;
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        try {
            if (fileOut == null && size + length > memoryThreshold) {
                spill();
            }
            if (fileOut != null) {
                fileOut.write(bytes, offset, length);
            } else {
                memory.write(bytes, offset, length);
            }
            size += length;
        } catch (IOException e) {
            storageFailure = e;
            throw e;
        }
    }

    /** Rethrows a failure of the temporary storage (disk full, say), which says nothing about the envelope. */
    void rethrowStorageFailure() throws IOException {
        if (storageFailure != null) {
            throw storageFailure;
        }
    }

    private void spill() throws IOException {
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            file = Files.createTempFile(directory, "codebound-open-", ".tmp",
                    PosixFilePermissions.asFileAttribute(DurableFiles.OWNER_ONLY));
        } else {
            file = Files.createTempFile(directory, "codebound-open-", ".tmp");
        }
        fileOut = new BufferedOutputStream(Files.newOutputStream(file), EnvelopeFormat.CHUNK);
        memory.writeTo(fileOut);
        memory = null;
    }

    /** Ends writing; after this the content can be read any number of times. */
    void finish() throws IOException {
        if (fileOut != null) {
            fileOut.close();
        }
    }

    long size() {
        return size;
    }

    /** Whether the content went to a temporary file (it was larger than the memory threshold). */
    boolean onDisk() {
        return file != null;
    }

    InputStream openStream() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory.toByteArray());
    }

    @Override
    public void close() throws IOException {
        memory = null;
        if (fileOut != null) {
            fileOut.close();
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
