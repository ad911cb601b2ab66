package dev.codebound.agent.retention;

import dev.codebound.agent.station.StationHome;
import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hot folders {@code watch} has used on this station, one absolute path per line in
 * {@code retention/hot-folders}: how a retention sweep run by any command finds the originals in
 * their {@code done/} and the refused photos in their {@code rejected/}. A folder's path names no
 * person; the station never forgets a folder, so a photo left in one is found however long ago
 * {@code watch} last ran there.
 */
public final class HotFolders {
    private final Path file;

    public HotFolders(StationHome home) {
        this.file = home.retention().resolve("hot-folders");
    }

    /**
     * Records {@code directory} (made absolute) durably, once.
     *
     * @throws IllegalArgumentException for a path with a line break, which the file cannot hold
     */
    public void register(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        String line = absolute.toString();
        if (line.contains("\n") || line.contains("\r")) {
            throw new IllegalArgumentException("a hot folder's path must not contain a line break");
        }
        if (list().contains(absolute)) {
            return;
        }
        boolean created = !Files.exists(file);
        Files.createDirectories(file.getParent());
        // After a crash mid-append the file may end in a torn line: start on a new line, or this folder's path
        // would be glued to the fragment and never be found.
        String record = (endsTorn() ? "\n" : "") + line + "\n";
        DurableFiles.appendDurably(file, record.getBytes(StandardCharsets.UTF_8));
        if (created) {
            DurableFiles.syncDirectory(file.getParent());
        }
    }

    private boolean endsTorn() throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return false;
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(channel.size() - 1).read(last);
            return last.get(0) != '\n';
        }
    }

    /** The registered folders, in the order they were first used; empty when {@code watch} never ran. */
    public List<Path> list() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            // A line torn by a crash mid-append names no folder that was ever used: it is skipped.
            if (!line.isBlank() && Path.of(line).isAbsolute() && !folders.contains(Path.of(line))) {
                folders.add(Path.of(line));
            }
        }
        return folders;
    }
}
