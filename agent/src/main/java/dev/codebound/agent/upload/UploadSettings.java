package dev.codebound.agent.upload;

import dev.codebound.agent.registry.RegistryEndpoint;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import java.time.Clock;
import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * The upload's settings from the station's {@code upload.*} configuration, with what a command line
 * may override: the one place that turns settings into an {@link UploadConfig}, for the
 * {@code upload} command and the desk service's scheduler alike.
 */
public final class UploadSettings {
    private UploadSettings() {}

    /**
     * What the command line may override; {@code null} fields take the configured setting.
     *
     * @param window    daily hours, e.g. {@code 22:00-06:00} ({@code upload.window})
     * @param limitRate total rate per second, e.g. {@code 512KiB} ({@code upload.limit-rate})
     * @param parallel  envelopes uploaded at once ({@code upload.parallelism})
     */
    public record Overrides(String window, String limitRate, Integer parallel) {
        /** No override: the settings as configured. */
        public static final Overrides NONE = new Overrides(null, null, null);
    }

    /** An override given on the command line is invalid; the message names the option. */
    public static final class InvalidOverride extends Exception {
        InvalidOverride(String message) {
            super(message);
        }
    }

    /**
     * The upload configuration for {@code registry}.
     *
     * @throws StationException when a setting is invalid (the message names it and its source)
     * @throws InvalidOverride  when an override is invalid
     */
    public static UploadConfig from(StationConfig config, HttpUrl registry, Overrides overrides)
            throws StationException, InvalidOverride {
        long chunk = config.bytes("upload.chunk-size");
        if (chunk < 1024 || chunk > Integer.MAX_VALUE) {
            throw new StationException("setting upload.chunk-size (from " + config.source("upload.chunk-size")
                    + ") must be between 1KiB and 2GiB");
        }
        int parallelism = overrides.parallel() != null ? overrides.parallel() : config.integer("upload.parallelism");
        if (parallelism < 1) {
            throw new InvalidOverride("--parallel (or upload.parallelism) must be at least 1");
        }
        long rate;
        try {
            rate = overrides.limitRate() != null ? StationConfig.parseSize(overrides.limitRate())
                    : config.bytes("upload.limit-rate");
        } catch (IllegalArgumentException e) {
            throw new InvalidOverride("--limit-rate: " + e.getMessage());
        }
        String windowText = overrides.window() != null ? overrides.window() : config.string("upload.window");
        UploadWindow uploadWindow;
        try {
            uploadWindow = windowText.isBlank() ? UploadWindow.always() : UploadWindow.parse(windowText);
        } catch (IllegalArgumentException e) {
            if (overrides.window() != null) {
                throw new InvalidOverride("--window: " + e.getMessage());
            }
            throw new StationException("setting upload.window: " + e.getMessage());
        }
        long minRate = config.bytes("upload.min-rate");
        if (minRate < 1) {
            throw new StationException("setting upload.min-rate (from " + config.source("upload.min-rate")
                    + ") must be at least 1 byte per second");
        }
        if (rate > 0) {
            // Under a rate limit each of the parallel uploads may get only its share: allow for that.
            minRate = Math.max(1, Math.min(minRate, rate / parallelism));
        }
        Duration maxRunTime = config.duration("upload.max-run-time");
        int attempts = config.integer("upload.max-attempts");
        if (attempts < 1) {
            throw new StationException("setting upload.max-attempts must be at least 1");
        }
        RetryPolicy retry = RetryPolicy.builder().initialDelay(config.duration("upload.retry.base-delay"))
                .maxDelay(config.duration("upload.retry.max-delay")).maxAttempts(attempts).build();
        return UploadConfig.builder(registry.resolve("/files/")).chunkSize((int) chunk).parallelism(parallelism)
                .rateLimit(rate).window(uploadWindow).retryPolicy(retry).clock(Clock.systemDefaultZone())
                .callTimeout(RegistryEndpoint.timeouts(config).call()).minRate(minRate)
                .runDeadline(maxRunTime.isZero() ? null : maxRunTime).build();
    }
}
