package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.photo.check.Check;
import dev.codebound.protocol.photo.check.PhotoSpec;
import dev.codebound.protocol.photo.check.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureSettingsTest {
    @TempDir
    Path dir;

    private StationConfig config(String properties) throws Exception {
        Files.writeString(dir.resolve("config.properties"), properties);
        return StationConfig.load(new StationHome(dir), Map.of());
    }

    @Test
    void defaultsAreTheRegistrysSpecification() throws Exception {
        assertEquals(PhotoSpec.defaults(), CaptureSettings.photoSpec(config("")));
    }

    @Test
    void sizesAndSeveritiesComeFromTheSettings() throws Exception {
        PhotoSpec spec = CaptureSettings.photoSpec(config("capture.max-bytes=8MiB\ncapture.min-bytes=1KiB\n"
                + "capture.check.dimensions=off\ncapture.check.eye-line=ERROR\n"));
        assertEquals(8L << 20, spec.maxFileBytes());
        assertEquals(1024, spec.minFileBytes());
        assertEquals(Severity.OFF, spec.severity(Check.DIMENSIONS));
        assertEquals(Severity.ERROR, spec.severity(Check.EYE_LINE));
        // The typical range stays inside the accepted one when the accepted one shrinks.
        PhotoSpec small = CaptureSettings.photoSpec(config("capture.max-bytes=15KiB\n"));
        assertEquals(15 * 1024, small.typicalMaxFileBytes());
    }

    @Test
    void badSettingsAreNamed() throws Exception {
        StationException unknown = assertThrows(StationException.class,
                () -> CaptureSettings.photoSpec(config("capture.check.sharpness=off\n")));
        assertTrue(unknown.getMessage().startsWith("setting capture.check.sharpness (from "), unknown.getMessage());
        StationException severity = assertThrows(StationException.class,
                () -> CaptureSettings.photoSpec(config("capture.check.quality=lenient\n")));
        assertTrue(severity.getMessage().contains("expected error, warning or off"), severity.getMessage());
        StationException structural = assertThrows(StationException.class,
                () -> CaptureSettings.photoSpec(config("capture.check.format=off\n")));
        assertTrue(structural.getMessage().contains("structural"), structural.getMessage());
        StationException inverted = assertThrows(StationException.class,
                () -> CaptureSettings.photoSpec(config("capture.max-bytes=5KiB\n")));
        assertTrue(inverted.getMessage().contains("is below capture.min-bytes"), inverted.getMessage());
    }
}
