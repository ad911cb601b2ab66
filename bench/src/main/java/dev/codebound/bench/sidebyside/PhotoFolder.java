package dev.codebound.bench.sidebyside;

import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/** The photos every subject moves: spec-valid synthetic 480×640 portraits, one seed each. */
final class PhotoFolder {
    private PhotoFolder() {}

    /** Writes {@code count} photos {@code photo-00001.jpg}... into {@code folder}; returns their total bytes. */
    static long generate(Path folder, int count) throws IOException {
        Files.createDirectories(folder);
        try {
            return IntStream.rangeClosed(1, count).parallel().mapToLong(seed -> {
                byte[] photo = SamplePhotos.good(seed);
                try {
                    Files.write(folder.resolve(String.format("photo-%05d.jpg", seed)), photo);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return photo.length;
            }).sum();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
