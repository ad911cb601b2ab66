package dev.codebound.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run found: a table of rows (one figure each, beside its ceiling and target) for people,
 * and the same rows plus every raw number in sections for the JSON file.
 */
public final class Report {
    /** One figure: {@code ratio} is subject/ceiling (higher is better) or a multiple (see {@code unit}). */
    public record Row(String section, String metric, String value, String ceiling, String ratio, String target,
            String verdict) {}

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    public Map<String, Object> section(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) root.computeIfAbsent(name, k -> new LinkedHashMap<>());
        return section;
    }

    public void row(String section, String metric, String value, String ceiling, String ratio, String target,
            Boolean met) {
        rows.add(new Row(section, metric, value, ceiling, ratio, target,
                met == null ? "" : met ? "met" : "MISSED"));
    }

    public static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    public void print(PrintStream out) {
        String[] head = {"section", "metric", "value", "ceiling (same run)", "ratio", "target", ""};
        int[] width = new int[head.length];
        List<String[]> cells = new ArrayList<>();
        cells.add(head);
        for (Row row : rows) {
            cells.add(new String[] {row.section(), row.metric(), row.value(), row.ceiling(), row.ratio(),
                    row.target(), row.verdict()});
        }
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (int n = 0; n < cells.size(); n++) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < head.length; i++) {
                line.append(' ').append(pad(cells.get(n)[i], width[i])).append(" |");
            }
            out.println(line);
            if (n == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int w : width) {
                    rule.append('-').append("-".repeat(w)).append("-|");
                }
                out.println(rule);
            }
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    public void write(Path file) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("table", rows);
        document.putAll(root);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
    }
}
