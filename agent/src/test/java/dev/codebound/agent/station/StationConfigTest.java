package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StationConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsThenFileThenEnvironment() throws Exception {
        Files.writeString(dir.resolve("config.properties"), "upload.chunk-size = 256KiB\nupload.parallelism=4\n");
        StationConfig config = StationConfig.load(new StationHome(dir), Map.of("CODEBOUND_UPLOAD_PARALLELISM", "8"));
        assertEquals(256 * 1024, config.bytes("upload.chunk-size"));
        assertEquals(8, config.integer("upload.parallelism"));
        assertEquals("environment variable CODEBOUND_UPLOAD_PARALLELISM", config.source("upload.parallelism"));
        assertEquals(Duration.ofMinutes(5), config.duration("upload.retry.max-delay"));
        assertEquals("default", config.source("upload.retry.max-delay"));
        assertEquals(List.of(), config.list("station.schools"));
    }

    @Test
    void sizesAcceptTheUsualSuffixes() throws Exception {
        for (var entry : Map.of("1048576", 1L << 20, "1M", 1L << 20, "1MiB", 1L << 20, "2 GiB", 2L << 30, "512B", 512L,
                "10k", 10_240L).entrySet()) {
            StationConfig config = StationConfig.load(new StationHome(dir), Map.of("CODEBOUND_UPLOAD_LIMIT_RATE",
                    entry.getKey()));
            assertEquals(entry.getValue(), config.bytes("upload.limit-rate"), entry.getKey());
        }
    }

    @Test
    void unknownKeysAndBadValuesAreNamedWithTheirSource() throws Exception {
        Files.writeString(dir.resolve("config.properties"), "upload.chunksize=1MiB\n");
        StationException typo = assertThrows(StationException.class,
                () -> StationConfig.load(new StationHome(dir), Map.of()));
        assertTrue(typo.getMessage().contains("unknown setting 'upload.chunksize'"), typo.getMessage());

        Files.writeString(dir.resolve("config.properties"), "upload.chunk-size=lots\n");
        StationConfig config = StationConfig.load(new StationHome(dir), Map.of());
        StationException bad = assertThrows(StationException.class, () -> config.bytes("upload.chunk-size"));
        assertTrue(bad.getMessage().startsWith("setting upload.chunk-size = 'lots' (from " + dir.resolve(
                "config.properties") + ") is invalid"), bad.getMessage());
    }
}
