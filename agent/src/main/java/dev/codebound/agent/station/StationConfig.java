package dev.codebound.agent.station;

import dev.codebound.protocol.envelope.Suite;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Station settings: embedded defaults, overridden by {@code config.properties} in the station home,
 * overridden in turn by environment variables ({@code CODEBOUND_} + the key upper-cased with dots
 * and dashes as underscores: {@code upload.limit-rate} → {@code CODEBOUND_UPLOAD_LIMIT_RATE}).
 * Every value is validated when read, and an error names the key and where the value came from.
 * The keys and defaults are documented in docs/agent.md.
 */
public final class StationConfig {
    /** Every key this version understands, with its default. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** What {@code envelope.suite} may be, for messages. */
    public static final String SUITE_CHOICES = "1 (" + Suite.P256_AES256GCM_SHA256.name() + ") or 2 ("
            + Suite.SM2_SM4GCM_SM3.name() + ")";

    private final Map<String, String> values;
    private final Map<String, String> sources;

    private StationConfig(Map<String, String> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("registry.url", "https://127.0.0.1:8443");
        defaults.put("station.schools", "");
        defaults.put("key.passphrase-file", "");
        defaults.put("envelope.suite", "1");
        defaults.put("registry.connect-timeout", "PT10S");
        defaults.put("registry.call-timeout", "PT1M");
        defaults.put("upload.chunk-size", "1MiB");
        defaults.put("upload.parallelism", "2");
        defaults.put("upload.window", "");
        defaults.put("upload.limit-rate", "0");
        defaults.put("upload.max-attempts", "12");
        defaults.put("upload.retry.base-delay", "PT1S");
        defaults.put("upload.retry.max-delay", "PT5M");
        defaults.put("upload.request-timeout", "PT2M");
        defaults.put("upload.min-rate", "4KiB");
        defaults.put("upload.max-run-time", "PT6H");
        defaults.put("capture.min-bytes", "10KiB");
        defaults.put("capture.max-bytes", "60KiB");
        defaults.put("capture.max-clock-skew", "PT2M");
        defaults.put("retention.originals", "PT1H");
        defaults.put("retention.delivered-envelopes", "PT0S");
        defaults.put("retention.undelivered", "P14D");
        defaults.put("retention.refused-photos", "P7D");
        return java.util.Collections.unmodifiableMap(defaults);
    }

    /**
     * Loads the configuration of {@code home} with overrides from {@code environment}.
     *
     * @throws StationException for an unreadable file or an unknown key (a typo must not be ignored)
     */
    public static StationConfig load(StationHome home, Map<String, String> environment) throws StationException {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> sources = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(key -> sources.put(key, "default"));
        Path file = home.config();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties properties = new Properties();
            properties.load(reader);
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                if (!DEFAULTS.containsKey(key) && !key.startsWith("capture.check.")) {
                    throw new StationException(file + ": unknown setting '" + key + "'; known settings: "
                            + String.join(", ", DEFAULTS.keySet()) + ", capture.check.<check>");
                }
                values.put(key, properties.getProperty(key).strip());
                sources.put(key, file.toString());
            }
        } catch (NoSuchFileException e) {
            // No file: defaults and environment only.
        } catch (IOException | IllegalArgumentException e) {
            throw new StationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String key : List.copyOf(values.keySet())) {
            String variable = environmentVariable(key);
            String value = environment.get(variable);
            if (value != null) {
                values.put(key, value.strip());
                sources.put(key, "environment variable " + variable);
            }
        }
        return new StationConfig(values, sources);
    }

    /** The environment variable that overrides {@code key}. */
    public static String environmentVariable(String key) {
        return "CODEBOUND_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no such setting: " + key);
        }
        return value;
    }

    /** A positive or zero integer setting. */
    public int integer(String key) throws StationException {
        try {
            int value = Integer.parseInt(string(key));
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(key, "a whole number ≥ 0");
        }
    }

    /** A size in bytes: a number with an optional suffix B, KiB, MiB or GiB (also K, M, G). */
    public long bytes(String key) throws StationException {
        try {
            return parseSize(string(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key, "a size such as 512KiB, 1MiB or 1048576");
        }
    }

    /**
     * Parses a size such as {@code 512KiB}, {@code 1M} or {@code 1048576} (suffixes B, KiB, MiB, GiB,
     * also K, M, G; case-insensitive; powers of 1024).
     *
     * @throws IllegalArgumentException when the text is not such a size
     */
    public static long parseSize(String text) {
        String upper = text.replace(" ", "").toUpperCase(Locale.ROOT);
        long multiplier = 1;
        String number = upper;
        for (String[] suffix : new String[][] {{"GIB", "G"}, {"MIB", "M"}, {"KIB", "K"}}) {
            long unit = suffix[1].equals("G") ? 1L << 30 : suffix[1].equals("M") ? 1L << 20 : 1L << 10;
            if (upper.endsWith(suffix[0])) {
                multiplier = unit;
                number = upper.substring(0, upper.length() - suffix[0].length());
                break;
            }
            if (upper.endsWith(suffix[1])) {
                multiplier = unit;
                number = upper.substring(0, upper.length() - 1);
                break;
            }
        }
        if (multiplier == 1 && number.endsWith("B")) {
            number = number.substring(0, number.length() - 1);
        }
        try {
            long parsed = Long.parseLong(number);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(parsed, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512KiB, 1MiB or 1048576");
        }
    }

    /** An ISO-8601 duration such as {@code PT30S}. */
    public Duration duration(String key) throws StationException {
        try {
            Duration value = Duration.parse(string(key));
            if (value.isNegative()) {
                throw invalid(key, "a non-negative ISO-8601 duration such as PT30S");
            }
            return value;
        } catch (DateTimeParseException e) {
            throw invalid(key, "an ISO-8601 duration such as PT30S or PT5M");
        }
    }

    /** A comma-separated list; empty when the setting is empty. */
    public List<String> list(String key) {
        List<String> result = new ArrayList<>();
        for (String item : string(key).split(",")) {
            if (!item.isBlank()) {
                result.add(item.strip());
            }
        }
        return result;
    }

    /** The school codes this station photographs ({@code station.schools}); empty means any school. */
    public java.util.Set<Integer> schools() throws StationException {
        java.util.Set<Integer> schools = new java.util.TreeSet<>();
        for (String school : list("station.schools")) {
            try {
                int code = Integer.parseInt(school);
                if (code <= 0) {
                    throw new NumberFormatException();
                }
                schools.add(code);
            } catch (NumberFormatException e) {
                throw new StationException("setting station.schools (from " + source("station.schools")
                        + ") contains '" + school + "', which is not a school code such as 10337");
            }
        }
        return schools;
    }

    /**
     * The envelope suite this station seals with ({@code envelope.suite}): {@code 1}
     * ({@code CB-P256-AES256GCM-SHA256}, the default) or {@code 2} ({@code CB-SM2-SM4GCM-SM3}), by
     * number or by name.
     */
    public Suite suite() throws StationException {
        Optional<Suite> suite = suite(string("envelope.suite"));
        if (suite.isEmpty()) {
            throw invalid("envelope.suite", SUITE_CHOICES);
        }
        return suite.get();
    }

    /** The envelope suite {@code value} names, by number or by name; empty for any other value. */
    public static Optional<Suite> suite(String value) {
        for (Suite suite : List.of(Suite.P256_AES256GCM_SHA256, Suite.SM2_SM4GCM_SM3)) {
            if (value.strip().equals(Integer.toString(suite.id())) || value.strip().equalsIgnoreCase(suite.name())) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }

    /** Settings whose key starts with {@code prefix}, with the prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                result.put(key.substring(prefix.length()), value);
            }
        });
        return result;
    }

    /** Where a setting's value came from: "default", the config file, or an environment variable. */
    public String source(String key) {
        return sources.getOrDefault(key, "default");
    }

    private StationException invalid(String key, String expected) {
        return new StationException("setting " + key + " = '" + string(key) + "' (from " + source(key)
                + ") is invalid: expected " + expected);
    }
}
