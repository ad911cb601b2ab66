package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz tests for the files in a station home that people and other programs edit
 * (docs/security-fuzzing.md): {@code config.properties}, which an operator edits by hand, and
 * {@code registry-clock.properties}, which the agent rewrites from the registry's {@code Date}
 * headers. Each input is written to a temporary station home and read as the agent reads it.
 * Seeds: the settings of docs/agent.md and a record the real {@link RegistryClock} wrote.
 */
class StationFilesFuzzTest {
    private static final Instant NOW = Instant.parse("2027-06-01T09:00:00Z");
    private static StationHome home;

    private static StationHome home() throws IOException {
        if (home == null) {
            home = new StationHome(Files.createTempDirectory("station-files-fuzz"));
        }
        return home;
    }

    /**
     * {@code config.properties}: loading and reading every setting with the accessor the agent uses
     * for it lets only StationException escape (a specific message naming the key and the file).
     */
    @FuzzTest(maxDuration = "60s")
    void configFile(byte[] input) throws IOException {
        Files.write(home().config(), input);
        try {
            StationConfig config = StationConfig.load(home(), Map.of());
            for (String key : StationConfig.DEFAULTS.keySet()) {
                read(config, key);
            }
            config.schools();
            CaptureSettings.photoSpec(config);
        } catch (StationException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    private static void read(StationConfig config, String key) throws StationException {
        String defaultValue = StationConfig.DEFAULTS.get(key);
        if (defaultValue.startsWith("PT")) {
            assertTrue(!config.duration(key).isNegative());
        } else if (defaultValue.endsWith("iB")) {
            assertTrue(config.bytes(key) >= 0);
        } else if (defaultValue.matches("[0-9]+")) {
            assertTrue(config.integer(key) >= 0);
        } else {
            config.list(key).forEach(item -> assertEquals(item.strip(), item));
        }
    }

    /**
     * {@code registry-clock.properties}: a damaged record is no measurement (nothing escapes reading
     * it, it is advisory), and the next observation replaces it with a readable one.
     */
    @FuzzTest(maxDuration = "60s")
    void registryClock(byte[] input) throws IOException {
        Path file = home().registryClock();
        Files.write(file, input);
        Optional<RegistryClock.Measurement> last = new RegistryClock(file).last();
        last.ifPresent(measurement -> measurement.skew().abs());
        RegistryClock clock = new RegistryClock(file);
        clock.observe(NOW, NOW.minusSeconds(90));
        Optional<RegistryClock.Measurement> stored = new RegistryClock(file).last();
        assertTrue(stored.isPresent());
        if (!stored.get().skew().equals(Duration.ofSeconds(90))) {
            // An earlier record within the material change and the refresh interval is kept as it was.
            assertEquals(last, stored);
        }
    }
}
