package dev.codebound.agent.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which rule deletes what, and when: the deadlines of docs/privacy.md, from the spool and the hot folders. */
class RetentionPlannerTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final RetentionPolicy POLICY = new RetentionPolicy(Optional.of(Duration.ofHours(1)), Duration.ZERO,
            Duration.ofDays(14), Duration.ofDays(7));

    @TempDir
    Path temp;
    StationHome home;
    Path camera;

    @BeforeEach
    void station() throws Exception {
        home = new StationHome(temp.resolve("station"));
        camera = Files.createDirectories(temp.resolve("camera"));
        Files.createDirectories(camera.resolve("done"));
        Files.createDirectories(camera.resolve("rejected"));
        new HotFolders(home).register(camera);
    }

    @Test
    void eachKindOfDataGetsItsRuleAndDeadline() throws Exception {
        String delivered;
        String unproven;
        String corrupt;
        String queued;
        try (Spool spool = Spool.open(home.spool(), Clock.fixed(T0, ZoneOffset.UTC))) {
            delivered = StationData.delivered(spool, temp, 1);
            unproven = StationData.delivered(spool, temp, 2);
            corrupt = spool.markCorrupt(StationData.queued(spool, temp, 3), "envelope file is missing").id();
            queued = StationData.queued(spool, temp, 4);
            StationData.archiveReceipt(spool, home, delivered, T0.plusSeconds(5));
            for (String id : List.of(delivered, unproven, corrupt, queued)) {
                original(id + ".jpg", T0.minusSeconds(60));
            }
            original("f".repeat(64) + ".jpg", T0.minusSeconds(30));
            original("IMG_0001.jpg", T0.minusSeconds(90));
            Path refused = original("../rejected/IMG_0002.jpg", T0.minusSeconds(600));
            Files.setLastModifiedTime(Files.writeString(refused.resolveSibling("IMG_0002.jpg.reason.txt"), "why"),
                    FileTime.from(T0.minusSeconds(300)));

            Map<String, Instant> plan = describe(new RetentionPlanner(home, POLICY).plan(spool.entries()));
            Instant deliveredAt = T0.plusSeconds(5);
            assertEquals(new TreeMap<>(Map.of(
                    "ORIGINAL_AFTER_DELIVERY " + delivered, deliveredAt.plus(Duration.ofHours(1)),
                    "ENVELOPE_AFTER_DELIVERY " + delivered, deliveredAt,
                    "ORIGINAL_OF_UNDELIVERED " + corrupt, T0.plus(Duration.ofDays(14)),
                    "UNDELIVERED_ENTRY " + corrupt, T0.plus(Duration.ofDays(14)),
                    "ORIGINAL_WITHOUT_ENTRY " + "f".repeat(64), T0.minusSeconds(30),
                    "ORIGINAL_UNATTRIBUTED IMG_0001.jpg", T0.minusSeconds(90).plus(Duration.ofDays(14)),
                    "REFUSED_PHOTO_EXPIRED IMG_0002.jpg", T0.minusSeconds(300).plus(Duration.ofDays(7)))), plan,
                    "a delivery without an archived receipt (" + unproven + ") and a queued entry (" + queued
                            + ") keep their originals");
        }
    }

    @Test
    void neverKeepMakesEveryOriginalDueFromItsCapture() throws Exception {
        try (Spool spool = Spool.open(home.spool(), Clock.fixed(T0, ZoneOffset.UTC))) {
            String queued = StationData.queued(spool, temp, 5);
            original(queued + ".jpg", T0.minusSeconds(60));
            RetentionPolicy never = new RetentionPolicy(Optional.empty(), Duration.ZERO, Duration.ofDays(14),
                    Duration.ofDays(7));
            assertEquals(Map.of("ORIGINAL_NEVER_KEPT " + queued, T0),
                    describe(new RetentionPlanner(home, never).plan(spool.entries())));
            assertEquals(List.of(), new RetentionPlanner(home, POLICY).due(spool.entries(), T0.plusSeconds(3600)));
        }
    }

    private Path original(String name, Instant modified) throws Exception {
        Path file = camera.resolve("done").resolve(name).normalize();
        Files.write(file, new byte[] {(byte) 0xFF, (byte) 0xD8});
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    /** Each deletion as "RULE entry-or-file-name" with its deadline. */
    private static Map<String, Instant> describe(List<Deletion> plan) {
        Map<String, Instant> described = new TreeMap<>();
        for (Deletion deletion : plan) {
            described.put(deletion.rule() + " " + (deletion.entryId() != null ? deletion.entryId()
                    : deletion.file().getFileName().toString()), deletion.dueAt());
        }
        return described;
    }
}
