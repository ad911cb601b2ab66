package dev.codebound.bench;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The options of a bench command, read one at a time: {@code --help} prints the usage and exits 0;
 * an unknown option, a missing value or a value that is not a whole number says which and exits 2.
 *
 * <pre>{@code
 * BenchOptions options = new BenchOptions(args, USAGE);
 * for (String option = options.next(); option != null; option = options.next()) {
 *     switch (option) {
 *         case "--photos" -> photos = options.intValue();
 *         case "--work" -> work = options.path();
 *         default -> options.unknown();
 *     }
 * }
 * }</pre>
 */
public final class BenchOptions {
    private final String[] args;
    private final String usage;
    private int index = -1;

    public BenchOptions(String[] args, String usage) {
        this.args = args;
        this.usage = usage;
    }

    /** The next option, or {@code null} after the last; answers {@code -h} and {@code --help} itself. */
    public String next() {
        index++;
        if (index >= args.length) {
            return null;
        }
        if (args[index].equals("-h") || args[index].equals("--help")) {
            System.out.println(usage);
            System.exit(0);
        }
        return args[index];
    }

    /** The value that follows the current option. */
    public String value() {
        String option = args[index];
        if (index + 1 >= args.length) {
            fail(option + " needs a value");
        }
        return args[++index];
    }

    /** The value that follows the current option, as a whole number. */
    public int intValue() {
        String option = args[index];
        String text = value();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            fail(option + " takes a whole number, not '" + text + "'");
            return 0;
        }
    }

    /** The value that follows the current option, as whole numbers separated by commas. */
    public int[] intValues() {
        String option = args[index];
        String text = value();
        try {
            return Arrays.stream(text.split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            fail(option + " takes whole numbers separated by commas, not '" + text + "'");
            return new int[0];
        }
    }

    /** The value that follows the current option, as a path. */
    public Path path() {
        return Path.of(value());
    }

    /** Refuses the current option. */
    public void unknown() {
        fail("unknown option " + args[index]);
    }

    private static void fail(String message) {
        System.err.println(message + " (try --help)");
        System.exit(2);
    }
}
