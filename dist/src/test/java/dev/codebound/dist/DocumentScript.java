package dev.codebound.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One document's runnable blocks as one bash script, run as a reader who follows the page would: in
 * order, in one shell, so variables, the working directory and files carry from block to block. Each
 * block is sourced verbatim from a file of its own; the script around them only stops at the first
 * failing command ({@code set -Eeuo pipefail}) and names that command's line in the document.
 */
final class DocumentScript {
    /** The prefix of the line the script prints for the command that failed. */
    static final String FAILURE_PREFIX = "runnable-docs: ";
    private static final String FAILED = "exit status";

    private DocumentScript() {}

    /**
     * Writes the script for {@code document}'s {@code blocks} into {@code directory} (which must not be
     * the directory the script runs in: the page's own files go there) and returns the script's path.
     */
    static Path write(Path directory, String document, List<RunnableBlocks.Block> blocks) throws IOException {
        StringBuilder script = new StringBuilder()
                .append("set -Eeuo pipefail\n")
                .append("trap '__runnable_docs_status=$?; echo \"").append(FAILURE_PREFIX).append(document)
                .append(" line $((__runnable_docs_offset + LINENO)): ").append(FAILED)
                .append(" $__runnable_docs_status: $BASH_COMMAND\" >&2' ERR\n");
        for (RunnableBlocks.Block block : blocks) {
            Path file = directory.resolve("block-" + block.firstLine() + ".sh");
            Files.writeString(file, block.text(), StandardCharsets.UTF_8);
            script.append("echo '").append(FAILURE_PREFIX).append("block at ").append(document).append(" line ")
                    .append(block.firstLine()).append("' >&2\n")
                    .append("__runnable_docs_offset=").append(block.firstLine() - 1).append("\n")
                    .append("source '").append(file).append("'\n");
        }
        Path main = directory.resolve("document.sh");
        Files.writeString(main, script.toString(), StandardCharsets.UTF_8);
        return main;
    }

    /**
     * The outermost failing command in a script's {@code output}: the document, its line, the exit
     * status and the command (a command substitution that fails is reported inside and then outside).
     */
    static Optional<String> failure(List<String> output) {
        return output.stream().filter(line -> line.startsWith(FAILURE_PREFIX) && line.contains(": " + FAILED + " "))
                .reduce((first, second) -> second).map(line -> line.substring(FAILURE_PREFIX.length()));
    }
}
