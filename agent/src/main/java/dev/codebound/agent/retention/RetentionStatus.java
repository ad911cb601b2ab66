package dev.codebound.agent.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.watch.HotFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the station holds that its retention policy governs, for {@code status}: how many readable
 * photos (originals in {@code done/}, refused photos in {@code rejected/}) it holds now and how old
 * the oldest is, what is past its deadline, and what the last sweep could not delete.
 *
 * @param readablePhotos how many photos in clear the registered hot folders hold
 * @param oldestPhoto    the oldest one's last modification (the camera's write); empty when none
 * @param overdue        deletions past their deadline, not yet done
 * @param problems       what the last sweep could not delete, one line each
 * @param now            when this was looked at
 */
public record RetentionStatus(int readablePhotos, Optional<Instant> oldestPhoto, List<Deletion> overdue,
        List<String> problems, Instant now) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Looks at the station in {@code home}, whose spool holds {@code entries} (a snapshot). */
    public static RetentionStatus of(StationHome home, RetentionPolicy policy, List<SpoolEntry> entries, Instant now)
            throws IOException {
        int photos = 0;
        Instant oldest = null;
        for (Path folder : new HotFolders(home).list()) {
            for (Path file : photosIn(folder)) {
                try {
                    Instant modified = Files.getLastModifiedTime(file).toInstant();
                    photos++;
                    oldest = oldest == null || modified.isBefore(oldest) ? modified : oldest;
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        }
        List<Deletion> overdue = new RetentionPlanner(home, policy).due(entries, now);
        return new RetentionStatus(photos, Optional.ofNullable(oldest), overdue, problems(home), now);
    }

    /** The photos in clear in a hot folder's {@code done/} and {@code rejected/}. */
    static List<Path> photosIn(Path folder) throws IOException {
        List<Path> photos = new ArrayList<>();
        for (String subdirectory : List.of(HotFolder.DONE, HotFolder.REJECTED)) {
            Path directory = folder.resolve(subdirectory);
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (var files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (!name.startsWith(".") && !name.endsWith(RetentionPlanner.REASON_SUFFIX)) {
                        photos.add(file);
                    }
                }
            }
        }
        return photos;
    }

    private static List<String> problems(StationHome home) throws IOException {
        Path file = RetentionSweep.problemsFile(home);
        List<String> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        for (JsonNode problem : JSON.readTree(file.toFile()).path("problems")) {
            lines.add(new SweepReport.Problem(Path.of(problem.path("file").asText()),
                    RetentionRule.valueOf(problem.path("rule").asText()), Instant.parse(problem.path("dueAt").asText()),
                    problem.path("error").asText()).message());
        }
        return lines;
    }

    /** The oldest readable photo's age; empty when there is none. */
    public Optional<Duration> oldestAge() {
        return oldestPhoto.map(oldest -> Duration.between(oldest, now));
    }

    /** Prints the lines of {@code status}: always the readable photos, then what is overdue or failed. */
    public void print(PrintWriter out) {
        out.println("readable photos on this station: " + readablePhotos
                + oldestAge().map(age -> " (oldest " + human(age) + " old)").orElse(""));
        if (!overdue.isEmpty()) {
            out.println("retention: " + overdue.size() + " item(s) past their deadline, deleted by the next command "
                    + "that opens the spool (e.g. 'upload')");
        }
        problems.forEach(problem -> out.println("retention problem: " + problem));
    }

    /** Adds {@code retention} to {@code status --json}. */
    public void addTo(ObjectNode node) {
        ObjectNode retention = node.putObject("retention").put("readablePhotos", readablePhotos);
        if (oldestPhoto.isPresent()) {
            retention.put("oldestReadablePhotoAt", oldestPhoto.get().toString())
                    .put("oldestReadablePhotoAgeSeconds", oldestAge().orElseThrow().toSeconds());
        } else {
            retention.putNull("oldestReadablePhotoAt").putNull("oldestReadablePhotoAgeSeconds");
        }
        var items = retention.putArray("overdue");
        for (Deletion deletion : overdue) {
            items.addObject().put("rule", deletion.rule().name()).put("kind", deletion.rule().kind().name())
                    .put("entry", deletion.entryId()).put("file", deletion.file().toString())
                    .put("dueAt", deletion.dueAt().toString());
        }
        problems.forEach(retention.putArray("problems")::add);
    }

    private static String human(Duration age) {
        if (age.toDays() > 0) {
            return age.toDays() + " d " + age.toHoursPart() + " h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + " h " + age.toMinutesPart() + " min";
        }
        return age.toMinutes() + " min " + age.toSecondsPart() + " s";
    }
}
