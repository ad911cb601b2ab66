package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesKeysInPlaceAndKeepsEverythingElse() throws Exception {
        Path file = dir.resolve("config.properties");
        Files.writeString(file, "# my notes\nregistry.url = https://old.example\nupload.parallelism=4\n"
                + "#station.schools=1\n");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("registry.url", "https://new.example:8443");
        settings.put("station.schools", "10337,10338");
        ConfigFile.set(file, settings);
        assertEquals("# my notes\nregistry.url=https://new.example:8443\nupload.parallelism=4\n#station.schools=1\n"
                + "station.schools=10337,10338\n", Files.readString(file));
        StationConfig config = StationConfig.load(new StationHome(dir), Map.of());
        assertEquals("https://new.example:8443", config.string("registry.url"));
        assertEquals(4, config.integer("upload.parallelism"));
    }

    @Test
    void backslashesSurviveTheRoundTrip() throws Exception {
        ConfigFile.set(dir.resolve("config.properties"), Map.of("key.passphrase-file", "C:\\keys\\pass.txt"));
        assertEquals("C:\\keys\\pass.txt", StationConfig.load(new StationHome(dir), Map.of())
                .string("key.passphrase-file"));
    }
}
