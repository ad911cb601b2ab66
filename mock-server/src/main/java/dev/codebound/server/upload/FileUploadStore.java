package dev.codebound.server.upload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.protocol.wire.WireFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An {@link UploadStore} on the local file system: one directory per upload under
 * {@code <root>/<id>/} holding {@code data} (the bytes), {@code info.json} (the record) and, once
 * decided, {@code result.json} (the receipt or the problem).
 *
 * <p>Fsync policy, the reason a chunk's 204 can be trusted: a chunk's bytes are written into
 * {@code data} and forced to disk ({@code fsync}), and only then is {@code info.json} replaced
 * atomically (temporary file, fsync, rename, directory fsync) with the new offset. The offset in
 * {@code info.json} is therefore never ahead of the durable bytes. A crash before the rename leaves
 * the old offset; bytes past it in {@code data} are cut away by {@link #recover}. The outcome is
 * stored the same way: {@code result.json} first, then {@code info.json} with the new state, so a
 * crash in between leaves {@link UploadState#AWAITING_OUTCOME} and the outcome is decided again.
 */
public final class FileUploadStore implements UploadStore {
    private static final System.Logger LOG = System.getLogger(FileUploadStore.class.getName());
    private static final String INFO = "info.json";
    private static final String DATA = "data";
    private static final String RESULT = "result.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;

    /** A store under {@code root}, created (owner-only) if missing. Everything it writes is owner-only. */
    public FileUploadStore(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        DurableFiles.createPrivateDirectory(this.root);
    }

    /** The on-disk form of {@link UploadInfo}; times are ISO-8601 text so that the file reads well. */
    private record InfoJson(String id, long length, Map<String, String> metadata, String stationId,
            String created, String expires, long offset, String state) {
        static InfoJson of(UploadInfo info) {
            return new InfoJson(info.id().value(), info.length(), info.metadata().asMap(), info.stationId(),
                    info.created().toString(), info.expires().toString(), info.offset(), info.state().name());
        }

        UploadInfo toInfo() {
            UploadMetadata parsed = UploadMetadata.empty();
            for (Map.Entry<String, String> entry : (metadata == null ? Map.<String, String>of() : metadata)
                    .entrySet()) {
                parsed = parsed.with(entry.getKey(), entry.getValue());
            }
            return new UploadInfo(new UploadId(id), length, parsed, stationId, Instant.parse(created),
                    Instant.parse(expires), offset, UploadState.valueOf(state));
        }
    }

    @Override
    public UploadInfo create(long length, UploadMetadata metadata, String stationId, Instant created,
            Instant expires) throws IOException {
        UploadId id = UploadId.random();
        Path directory = directory(id);
        DurableFiles.createNewPrivateDirectory(directory);
        DurableFiles.createPrivateFile(directory.resolve(DATA));
        DurableFiles.syncDirectory(root);
        UploadInfo info = new UploadInfo(id, length, metadata, stationId, created, expires, 0, UploadState.RECEIVING);
        writeInfo(info);
        return info;
    }

    @Override
    public Optional<UploadInfo> info(UploadId id) throws IOException {
        try {
            return Optional.of(readInfo(directory(id).resolve(INFO)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public ChunkWriter beginChunk(UploadInfo upload) throws IOException {
        if (upload.state() != UploadState.RECEIVING) {
            throw new IllegalStateException("upload " + upload.id() + " is " + upload.state() + ", not receiving");
        }
        return new FileChunkWriter(upload, FileChannel.open(dataFile(upload.id()), StandardOpenOption.WRITE));
    }

    @Override
    public UploadInfo recordOutcome(UploadId id, CompletionOutcome outcome) throws IOException {
        UploadInfo current = info(id).orElseThrow(() -> new NoSuchFileException(id.value()));
        if (!current.state().isComplete()) {
            throw new IllegalStateException("upload " + id + " is not complete");
        }
        byte[] body = outcome instanceof CompletionOutcome.Accepted accepted ? accepted.receiptJson()
                : ((CompletionOutcome.Rejected) outcome).problem().toJson();
        DurableFiles.writePrivate(directory(id).resolve(RESULT), body);
        UploadInfo decided = current.withState(outcome instanceof CompletionOutcome.Accepted
                ? UploadState.ACCEPTED : UploadState.REJECTED);
        writeInfo(decided);
        return decided;
    }

    @Override
    public Optional<CompletionOutcome> outcome(UploadId id) throws IOException {
        Optional<UploadInfo> info = info(id);
        if (info.isEmpty() || !info.get().state().hasOutcome()) {
            return Optional.empty();
        }
        byte[] body = Files.readAllBytes(directory(id).resolve(RESULT));
        if (info.get().state() == UploadState.ACCEPTED) {
            return Optional.of(new CompletionOutcome.Accepted(body));
        }
        try {
            return Optional.of(new CompletionOutcome.Rejected(Problem.fromJson(body)));
        } catch (WireFormatException e) {
            throw new IOException("stored outcome of " + id + " is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public Path dataFile(UploadId id) {
        return directory(id).resolve(DATA);
    }

    @Override
    public UploadInfo expire(UploadId id) throws IOException {
        UploadInfo current = info(id).orElseThrow(() -> new NoSuchFileException(id.value()));
        UploadInfo expired = current.withState(UploadState.EXPIRED);
        writeInfo(expired);
        Files.deleteIfExists(dataFile(id));
        DurableFiles.syncDirectory(directory(id));
        return expired;
    }

    @Override
    public boolean terminate(UploadId id) throws IOException {
        Path directory = directory(id);
        if (!Files.isDirectory(directory)) {
            return false;
        }
        // The record goes first: once it is gone the upload no longer exists, whatever else a crash leaves.
        Files.deleteIfExists(directory.resolve(INFO));
        deleteTree(directory);
        DurableFiles.syncDirectory(root);
        return true;
    }

    @Override
    public List<UploadInfo> list() throws IOException {
        List<UploadInfo> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                Optional<UploadId> id = UploadId.parse(entry.getFileName().toString());
                if (id.isPresent()) {
                    info(id.get()).ifPresent(result::add);
                }
            }
        }
        return result;
    }

    @Override
    public List<UploadInfo> recover() throws IOException {
        List<UploadInfo> awaiting = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                Optional<UploadId> id = UploadId.parse(entry.getFileName().toString());
                if (id.isEmpty() || !Files.isDirectory(entry)) {
                    continue;
                }
                DurableFiles.removeStaleTemporaries(entry);
                Optional<UploadInfo> info = readableInfo(entry);
                if (info.isEmpty()) {
                    // Never acknowledged: create() returns only after info.json is durable.
                    deleteTree(entry);
                    continue;
                }
                UploadInfo reconciled = reconcile(info.get());
                if (reconciled.state() == UploadState.AWAITING_OUTCOME) {
                    awaiting.add(reconciled);
                }
            }
        }
        DurableFiles.syncDirectory(root);
        return awaiting;
    }

    private Optional<UploadInfo> readableInfo(Path directory) throws IOException {
        try {
            return Optional.of(readInfo(directory.resolve(INFO)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Cuts unacknowledged bytes; lowers an offset whose bytes are missing (only possible if a disk lied about fsync). */
    private UploadInfo reconcile(UploadInfo info) throws IOException {
        if (info.state() == UploadState.EXPIRED) {
            return info;
        }
        Path data = dataFile(info.id());
        long size = Files.exists(data) ? Files.size(data) : -1;
        if (size > info.offset() && info.state() == UploadState.RECEIVING) {
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE)) {
                channel.truncate(info.offset());
                channel.force(true);
            }
            return info;
        }
        if (size < info.offset()) {
            LOG.log(System.Logger.Level.WARNING, "upload {0}: recorded offset {1} but only {2} bytes on disk;"
                    + " the client will resend from {2}", info.id(), info.offset(), Math.max(size, 0));
            if (size < 0) {
                DurableFiles.createPrivateFile(data);
            }
            UploadInfo lowered = new UploadInfo(info.id(), info.length(), info.metadata(), info.stationId(),
                    info.created(), info.expires(), Math.max(size, 0), UploadState.RECEIVING);
            writeInfo(lowered);
            return lowered;
        }
        return info;
    }

    private Path directory(UploadId id) {
        return root.resolve(id.value());
    }

    private void writeInfo(UploadInfo info) throws IOException {
        DurableFiles.writePrivate(directory(info.id()).resolve(INFO), JSON.writeValueAsBytes(InfoJson.of(info)));
    }

    private static UploadInfo readInfo(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), InfoJson.class).toInfo();
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a valid upload record: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // Already gone: the goal of the call.
        }
    }

    /** Writes one chunk at the upload's durable offset; see {@link ChunkWriter}. */
    private final class FileChunkWriter implements ChunkWriter {
        private final UploadInfo upload;
        private final FileChannel channel;
        private long written;
        private boolean committed;

        FileChunkWriter(UploadInfo upload, FileChannel channel) {
            this.upload = upload;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            if (upload.offset() + written + bytes.remaining() > upload.length()) {
                throw new IllegalArgumentException("chunk would pass the upload's length");
            }
            while (bytes.hasRemaining()) {
                written += channel.write(bytes, upload.offset() + written);
            }
        }

        @Override
        public long written() {
            return written;
        }

        @Override
        public UploadInfo commit(Instant newExpires) throws IOException {
            channel.force(true);
            UploadInfo advanced = upload.advancedTo(upload.offset() + written, newExpires);
            writeInfo(advanced);
            committed = true;
            return advanced;
        }

        @Override
        public void close() throws IOException {
            try (channel) {
                if (!committed && channel.size() > upload.offset()) {
                    channel.truncate(upload.offset());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FileUploadStore[" + root + "]";
    }
}
