package dev.codebound.agent.upload;

import java.time.Clock;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The daily hours in which the uploader may start new entries, as given by {@code --window
 * 22:00-06:00}: from the start time (inclusive) to the end time (exclusive) in the clock's time
 * zone. A window whose end is before its start crosses midnight; equal start and end mean all day.
 * Uploads already running when the window closes are finished, not cut off.
 */
public final class UploadWindow {
    private static final UploadWindow ALWAYS = new UploadWindow(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

    private final LocalTime start;
    private final LocalTime end;

    private UploadWindow(LocalTime start, LocalTime end) {
        this.start = Objects.requireNonNull(start, "start");
        this.end = Objects.requireNonNull(end, "end");
    }

    /** A window that is always open. */
    public static UploadWindow always() {
        return ALWAYS;
    }

    /** The window from {@code start} to {@code end}. */
    public static UploadWindow between(LocalTime start, LocalTime end) {
        return new UploadWindow(start, end);
    }

    /** Parses {@code HH:MM-HH:MM}, e.g. {@code 22:00-06:00}. */
    public static UploadWindow parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("-", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("upload window must look like 22:00-06:00");
        }
        try {
            return new UploadWindow(LocalTime.parse(parts[0].strip()), LocalTime.parse(parts[1].strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("upload window must look like 22:00-06:00: " + e.getParsedString()
                    + " is not a time of day");
        }
    }

    /** Whether new entries may start at the clock's current time, in the clock's zone. */
    public boolean isOpen(Clock clock) {
        return isOpen(ZonedDateTime.now(clock).toLocalTime());
    }

    /** Whether new entries may start at {@code time} of day. */
    public boolean isOpen(LocalTime time) {
        if (start.equals(end)) {
            return true;
        }
        if (start.isBefore(end)) {
            return !time.isBefore(start) && time.isBefore(end);
        }
        return !time.isBefore(start) || time.isBefore(end);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
