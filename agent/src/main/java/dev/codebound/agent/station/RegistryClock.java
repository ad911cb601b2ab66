package dev.codebound.agent.station;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/**
 * How far this computer's clock is from the registry's, as last measured from the {@code Date}
 * header of a registry answer, kept in the station home ({@code registry-clock.properties}) so that
 * {@code capture} can refuse to seal photos with a time the registry would reject, without asking
 * the registry. Advisory: the file is replaced atomically but not synced, and only when the skew
 * moved by more than {@link #MATERIAL_CHANGE} or the stored measurement is older than
 * {@link #REFRESH_AFTER}, so that an upload of thousands of chunks does not write it thousands
 * of times.
 */
public final class RegistryClock {
    /** A change in skew smaller than this is the {@code Date} header's one-second resolution, not news. */
    public static final Duration MATERIAL_CHANGE = Duration.ofSeconds(2);
    /** A measurement this old is written again even when unchanged, so that its time says it is current. */
    public static final Duration REFRESH_AFTER = Duration.ofHours(1);

    /**
     * One measurement.
     *
     * @param skew       local clock minus the registry's: positive when this computer is ahead
     * @param measuredAt when it was measured, by the local clock
     */
    public record Measurement(Duration skew, Instant measuredAt) {}

    private final Path file;
    private Measurement stored;
    private boolean loaded;

    public RegistryClock(Path file) {
        this.file = file;
    }

    /** The station's registry clock record ({@code registry-clock.properties} in its home). */
    public static RegistryClock of(StationHome home) {
        return new RegistryClock(home.registryClock());
    }

    /** The last measurement, if any was kept (an unreadable file counts as none: it is advisory). */
    public synchronized Optional<Measurement> last() {
        if (!loaded) {
            stored = read();
            loaded = true;
        }
        return Optional.ofNullable(stored);
    }

    /**
     * Records that the registry said {@code registryTime} when the local clock said {@code localTime}.
     *
     * @throws IOException when the record cannot be written
     */
    public synchronized void observe(Instant localTime, Instant registryTime) throws IOException {
        Measurement now = new Measurement(Duration.between(registryTime, localTime), localTime);
        Measurement previous = last().orElse(null);
        if (previous != null && previous.skew().minus(now.skew()).abs().compareTo(MATERIAL_CHANGE) < 0
                && Duration.between(previous.measuredAt(), localTime).compareTo(REFRESH_AFTER) < 0) {
            return;
        }
        Properties properties = new Properties();
        properties.setProperty("skew-millis", Long.toString(now.skew().toMillis()));
        properties.setProperty("measured-at", now.measuredAt().toString());
        StringWriter text = new StringWriter();
        properties.store(text, "this computer's clock minus the registry's, from its last Date header");
        DurableFiles.replaceAdvisory(file, text.toString().getBytes(StandardCharsets.UTF_8));
        stored = now;
    }

    private Measurement read() {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties properties = new Properties();
            properties.load(reader);
            return new Measurement(Duration.ofMillis(Long.parseLong(properties.getProperty("skew-millis", ""))),
                    Instant.parse(properties.getProperty("measured-at", "")));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            // Advisory and rewritten by the next registry answer: a damaged record is no measurement.
            return null;
        }
    }
}
