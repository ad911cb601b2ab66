package dev.codebound.bench.sidebyside;

import dev.codebound.protocol.photo.jpeg.JpegDecoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The floor under capture's CPU: decoding each photo to pixels the way the station's spec checks do
 * ({@link JpegDecoder#decode}: ImageIO's JPEG reader into an RGB raster the checks read directly), in
 * this JVM, warm. Capture's goal is stated as CPU per photo beyond this.
 */
final class JpegDecodeReference {
    private JpegDecodeReference() {}

    /** CPU milliseconds per photo of decoding every photo of {@code folder}, measured on a second, warm pass. */
    static double cpuMillisPerPhoto(Path folder) throws IOException {
        List<Path> photos;
        try (Stream<Path> files = Files.list(folder)) {
            photos = files.sorted().toList();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        decodeAll(photos);
        long before = threads.getCurrentThreadCpuTime();
        decodeAll(photos);
        return (threads.getCurrentThreadCpuTime() - before) / 1e6 / photos.size();
    }

    private static void decodeAll(List<Path> photos) throws IOException {
        for (Path photo : photos) {
            try {
                JpegDecoder.decode(Files.readAllBytes(photo));
            } catch (JpegDecoder.DecodeException e) {
                throw new IOException(photo + " cannot be decoded: " + e.getMessage(), e);
            }
        }
    }
}
