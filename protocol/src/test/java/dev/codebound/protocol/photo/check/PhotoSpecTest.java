package dev.codebound.protocol.photo.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhotoSpecTest {
    @Test
    void defaultsAreTheRegistrySpecification() {
        PhotoSpec spec = PhotoSpec.defaults();
        assertEquals(480, spec.width());
        assertEquals(640, spec.height());
        assertEquals(300, spec.densityDpi());
        assertEquals(60, spec.minQuality());
        assertEquals(10 * 1024, spec.minFileBytes());
        assertEquals(60 * 1024, spec.maxFileBytes());
        assertEquals(20 * 1024, spec.typicalMinFileBytes());
        assertEquals(40 * 1024, spec.typicalMaxFileBytes());
        assertEquals(List.of(BackgroundColour.LIGHT_BLUE, BackgroundColour.WHITE, BackgroundColour.LIGHT_GREY),
                spec.backgrounds());
        assertEquals(40, spec.backgroundTolerance());
        assertEquals(200, spec.eyeLineMin());
        assertEquals(300, spec.eyeLineMax());
        assertEquals(180, spec.faceWidthMin());
        assertEquals(300, spec.faceWidthMax());
        for (Check check : Check.values()) {
            assertEquals(check.defaultSeverity(), spec.severity(check));
        }
        assertEquals(Severity.WARNING, spec.severity(Check.EYE_LINE));
        assertEquals(Severity.WARNING, spec.severity(Check.FACE_WIDTH));
    }

    @Test
    void toBuilderRoundTripsAndChangesOnlyWhatIsSet() {
        PhotoSpec spec = PhotoSpec.defaults();
        assertEquals(spec, spec.toBuilder().build());
        PhotoSpec relaxed = spec.toBuilder().severity(Check.BACKGROUND, Severity.WARNING).build();
        assertNotEquals(spec, relaxed);
        assertEquals(Severity.WARNING, relaxed.severity(Check.BACKGROUND));
        assertEquals(Severity.ERROR, spec.severity(Check.BACKGROUND), "the original is immutable");
    }

    @Test
    void builderRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().severity(Check.FORMAT, Severity.OFF));
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().severity(Check.DECODE, Severity.WARNING));
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().fileSize(50, 10));
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().minQuality(0));
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().backgrounds(List.of()));
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().typicalFileSize(1024, 100 * 1024).build());
        assertThrows(IllegalArgumentException.class, () -> PhotoSpec.builder().size(0, 640));
    }

    @Test
    void checksHaveStableIds() {
        assertEquals("file-size-typical", Check.FILE_SIZE_TYPICAL.id());
        assertEquals(Check.EYE_LINE, Check.ofId("eye-line"));
        assertThrows(IllegalArgumentException.class, () -> Check.ofId("nope"));
    }
}
