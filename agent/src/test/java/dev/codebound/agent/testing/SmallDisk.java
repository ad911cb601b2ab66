package dev.codebound.agent.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a test directory, to fill up or make read-only: a real "No space left on
 * device" or "Read-only file system", not a simulation. Needs Linux and root (root ignores file
 * permissions, so only a read-only mount makes a directory truly unwritable for it); elsewhere the
 * test is skipped with the reason. Always close it (try-with-resources): it unmounts.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;
    private final List<Path> fillers = new ArrayList<>();
    private boolean mounted;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code bytes} on {@code directory} (created if missing), or skips the test. */
    public static SmallDisk mount(Path directory, long bytes) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "a tmpfs needs Linux");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Files.createDirectories(directory);
        SmallDisk disk = new SmallDisk(directory.toAbsolutePath());
        String result = run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs",
                disk.mountPoint.toString());
        Assumptions.assumeTrue(result == null, () -> "cannot mount a tmpfs here: " + result);
        disk.mounted = true;
        return disk;
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills the disk to the last byte with filler files; returns how many bytes that took. */
    public long fill() throws IOException {
        Path filler = mountPoint.resolve(".filler-" + fillers.size());
        fillers.add(filler);
        long written = 0;
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int size : new int[] {64 * 1024, 4096, 1}) {
                ByteBuffer block = ByteBuffer.allocate(size);
                try {
                    while (true) {
                        block.clear();
                        written += channel.write(block);
                    }
                } catch (IOException full) {
                    // next, smaller block size
                }
            }
        }
        return written;
    }

    /** Deletes the filler files: the space is back. */
    public void free() throws IOException {
        for (Path filler : fillers) {
            Files.deleteIfExists(filler);
        }
        fillers.clear();
    }

    public void readOnly() throws IOException, InterruptedException {
        require(run("mount", "-o", "remount,ro", mountPoint.toString()));
    }

    public void readWrite() throws IOException, InterruptedException {
        require(run("mount", "-o", "remount,rw", mountPoint.toString()));
    }

    /** Unmounts (lazily if something still holds a file open), so that the temporary directory can be removed. */
    @Override
    public void close() throws IOException {
        if (mounted) {
            mounted = false;
            try {
                if (run("umount", mountPoint.toString()) != null) {
                    require(run("umount", "-l", mountPoint.toString()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while unmounting " + mountPoint, e);
            }
        }
    }

    private static void require(String failure) throws IOException {
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    /** Runs a command; null when it succeeded, else its exit code and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.exitValue() == 0 ? null : String.join(" ", command) + " exited " + process.exitValue() + ": "
                + output;
    }
}
