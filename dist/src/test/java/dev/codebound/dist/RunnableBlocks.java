package dev.codebound.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced shell blocks of a Markdown document that its writer marked runnable: a fence whose info
 * string is a shell language followed by the word {@code runnable} (```` ```sh runnable ````). Other
 * blocks are prose examples and are left alone. A shell fence with any other word after the language,
 * or the marker on another language, is refused, so a misspelt marker cannot silently turn a block
 * into one that is never run.
 */
final class RunnableBlocks {
    static final String MARKER = "runnable";
    private static final Set<String> SHELL_LANGUAGES = Set.of("sh", "bash", "shell");
    private static final Pattern OPENING_FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");

    /** One runnable block: its text, and the line of the document its first line is on (1-based). */
    record Block(int firstLine, String text) {}

    private RunnableBlocks() {}

    /** The runnable blocks of {@code document}, in document order. */
    static List<Block> of(Path document) throws IOException {
        return parse(document.toString(), Files.readAllLines(document, StandardCharsets.UTF_8));
    }

    /**
     * The runnable blocks of the document {@code name} whose lines are {@code lines}.
     *
     * @throws IllegalArgumentException for a fence that is never closed, or a shell fence with an unknown word
     */
    static List<Block> parse(String name, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        int index = 0;
        while (index < lines.size()) {
            Matcher opening = OPENING_FENCE.matcher(lines.get(index));
            // As in CommonMark, a backtick fence's info string has no backtick: "```` ```sh ```` ..." is inline code.
            if (!opening.matches() || opening.group(1).startsWith("`") && opening.group(2).contains("`")) {
                index++;
                continue;
            }
            String fence = opening.group(1);
            boolean runnable = isRunnable(name, index + 1, opening.group(2).strip());
            int first = index + 1;
            int closing = first;
            while (closing < lines.size() && !closes(lines.get(closing), fence)) {
                closing++;
            }
            if (closing == lines.size()) {
                throw new IllegalArgumentException(name + ":" + (index + 1) + ": this code fence is never closed");
            }
            if (runnable) {
                blocks.add(new Block(first + 1, String.join("\n", lines.subList(first, closing)) + "\n"));
            }
            index = closing + 1;
        }
        return blocks;
    }

    private static boolean isRunnable(String name, int line, String info) {
        List<String> words = info.isEmpty() ? List.of() : Arrays.asList(info.split("\\s+"));
        if (words.size() < 2) {
            return false;
        }
        boolean shell = SHELL_LANGUAGES.contains(words.get(0));
        List<String> attributes = words.subList(1, words.size());
        if (shell && attributes.equals(List.of(MARKER))) {
            return true;
        }
        if (shell || attributes.contains(MARKER)) {
            throw new IllegalArgumentException(name + ":" + line + ": unknown code fence info string '" + info
                    + "'; a shell block that should run is marked '```sh " + MARKER
                    + "' (see docs/runnable-docs.md)");
        }
        return false;
    }

    private static boolean closes(String line, String fence) {
        String stripped = line.strip();
        return stripped.length() >= fence.length() && stripped.chars().allMatch(c -> c == fence.charAt(0))
                && line.indexOf(fence.charAt(0)) <= 3;
    }
}
