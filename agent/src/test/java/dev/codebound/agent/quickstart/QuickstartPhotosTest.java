package dev.codebound.agent.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.codebound.protocol.photo.check.Check;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoInspector;
import dev.codebound.testkit.SamplePhotos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The photos the agent ships for the quickstart ({@link Quickstart#PHOTOS}): the test kit's drawing, committed
 * as resources so that the agent carries no photo generator, with the verdicts the story tells.
 */
class QuickstartPhotosTest {
    private static final Path RESOURCES = Path.of("src/main/resources/dev/codebound/agent/quickstart");
    private static final Path REDRAWN = Path.of("target/quickstart-photos");

    @Test
    void theStationsChecksPassThreePhotosAndRefuseTheThirdForItsSize() throws IOException {
        PhotoInspector inspector = new PhotoInspector();
        List<List<Check>> errors = new ArrayList<>();
        for (String name : Quickstart.PHOTOS) {
            byte[] photo = shipped(name);
            assertNotNull(photo, name + " is not beside Quickstart on the class path");
            errors.add(inspector.inspect(photo).errors().stream().map(Finding::check).toList());
        }
        assertEquals(List.of(List.of(), List.of(), List.of(Check.DIMENSIONS), List.of()), errors);
    }

    /** When the kit's drawing changes, the shipped photos must follow: the failure says how. */
    @Test
    void theShippedPhotosAreWhatTheTestKitDraws() throws IOException {
        Map<String, byte[]> shoot = drawShoot();
        assertEquals(List.copyOf(shoot.keySet()), Quickstart.PHOTOS);
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> photo : shoot.entrySet()) {
            if (!Arrays.equals(photo.getValue(), shipped(photo.getKey()))) {
                stale.add(photo.getKey());
                Files.createDirectories(REDRAWN);
                Files.write(REDRAWN.resolve(photo.getKey()), photo.getValue());
            }
        }
        if (!stale.isEmpty()) {
            fail(stale + " are missing or differ from the test kit's drawing; if the kit changed on purpose, look at the photos in "
                    + REDRAWN.toAbsolutePath() + " and copy them to " + RESOURCES);
        }
    }

    /** The shoot, by file name in the order the story scans it: three good portraits, the third at the wrong size. */
    private static Map<String, byte[]> drawShoot() {
        Map<String, byte[]> shoot = new LinkedHashMap<>();
        shoot.put("shoot-001.jpg", SamplePhotos.good(1));
        shoot.put("shoot-002.jpg", SamplePhotos.good(2));
        shoot.put("shoot-003.jpg", SamplePhotos.bad(SamplePhotos.Defect.WRONG_SIZE, 3));
        shoot.put("shoot-004.jpg", SamplePhotos.good(4));
        return shoot;
    }

    /** The photo the agent ships as {@code name}, or null when it ships none. */
    private static byte[] shipped(String name) throws IOException {
        try (InputStream in = Quickstart.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
