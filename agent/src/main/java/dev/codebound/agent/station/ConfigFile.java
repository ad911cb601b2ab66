package dev.codebound.agent.station;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets keys in a {@code config.properties} file the operator may have edited: the lines of the
 * given keys are replaced in place and missing keys appended, so comments, order and every other
 * setting survive. Written atomically.
 */
public final class ConfigFile {
    private static final Pattern KEY = Pattern.compile("^\\s*([^#!\\s=:][^\\s=:]*)\\s*[=:\\s]");

    private ConfigFile() {}

    /** Sets {@code settings} in {@code file}, creating it if missing. */
    public static void set(Path file, Map<String, String> settings) throws IOException {
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
                : new ArrayList<>(List.of("# Codebound capture station settings; see docs/agent.md."));
        Map<String, String> pending = new LinkedHashMap<>(settings);
        for (int i = 0; i < lines.size(); i++) {
            Matcher key = KEY.matcher(lines.get(i) + " ");
            if (key.find() && pending.containsKey(key.group(1))) {
                lines.set(i, line(key.group(1), pending.remove(key.group(1))));
            }
        }
        pending.forEach((key, value) -> lines.add(line(key, value)));
        DurableFiles.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String line(String key, String value) {
        // Backslash is the properties escape character (a Windows path would lose its separators).
        return key + "=" + value.replace("\\", "\\\\");
    }
}
