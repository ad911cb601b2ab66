package dev.codebound.agent.station;

import dev.codebound.protocol.photo.check.Check;
import dev.codebound.protocol.photo.check.PhotoSpec;
import dev.codebound.protocol.photo.check.Severity;
import java.util.Locale;
import java.util.Map;

/**
 * The photo specification a station checks against: the registry's defaults, with the accepted
 * file size from {@code capture.min-bytes} / {@code capture.max-bytes} and each check's severity
 * from {@code capture.check.<id>} ({@code error}, {@code warning} or {@code off}).
 */
public final class CaptureSettings {
    /** The prefix of per-check severity settings. */
    public static final String CHECK_PREFIX = "capture.check.";

    private CaptureSettings() {}

    /** The spec the settings describe; every bad value is reported with its key and source. */
    public static PhotoSpec photoSpec(StationConfig config) throws StationException {
        long min = config.bytes("capture.min-bytes");
        long max = config.bytes("capture.max-bytes");
        if (max < min) {
            throw new StationException("setting capture.max-bytes (" + max + " bytes, from "
                    + config.source("capture.max-bytes") + ") is below capture.min-bytes (" + min + " bytes, from "
                    + config.source("capture.min-bytes") + ")");
        }
        if (max > Integer.MAX_VALUE - 8) {
            throw new StationException("setting capture.max-bytes (from " + config.source("capture.max-bytes")
                    + ") must be below 2 GiB: a photo is inspected in memory");
        }
        PhotoSpec defaults = PhotoSpec.defaults();
        // The typical range warns inside the accepted one; keep it there when the accepted range moves.
        long typicalMin = Math.min(Math.max(defaults.typicalMinFileBytes(), min), max);
        long typicalMax = Math.max(Math.min(defaults.typicalMaxFileBytes(), max), typicalMin);
        PhotoSpec.Builder spec = defaults.toBuilder().fileSize(min, max).typicalFileSize(typicalMin, typicalMax);
        for (Map.Entry<String, String> setting : config.withPrefix(CHECK_PREFIX).entrySet()) {
            String key = CHECK_PREFIX + setting.getKey();
            Check check;
            try {
                check = Check.ofId(setting.getKey());
            } catch (IllegalArgumentException e) {
                throw new StationException("setting " + key + " (from " + config.source(key) + ") names no photo "
                        + "check; checks: " + checkIds());
            }
            Severity severity;
            try {
                severity = Severity.valueOf(setting.getValue().strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new StationException("setting " + key + " = '" + setting.getValue() + "' (from "
                        + config.source(key) + ") is invalid: expected error, warning or off");
            }
            try {
                spec.severity(check, severity);
            } catch (IllegalArgumentException e) {
                throw new StationException("setting " + key + " (from " + config.source(key) + "): "
                        + e.getMessage());
            }
        }
        return spec.build();
    }

    private static String checkIds() {
        StringBuilder ids = new StringBuilder();
        for (Check check : Check.values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(check.id());
        }
        return ids.toString();
    }
}
