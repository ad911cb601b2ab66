package dev.codebound.server.faults;

/**
 * A fault plan that cannot be used: not JSON, an unknown field, or a value out of range. The
 * message starts with the path of the offending field (e.g. {@code rules[1].action.status}) so that
 * an integrator sees at once what to fix; the admin API returns it as a 400 problem and the CLI
 * exits with code 2.
 */
public final class InvalidFaultPlanException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    /** {@code field} is the path of the bad field, relative to where it was found, or null for the whole document. */
    public InvalidFaultPlanException(String field, String problem) {
        super(field == null || field.isEmpty() ? problem : field + ": " + problem);
        this.field = field == null || field.isEmpty() ? null : field;
        this.problem = problem;
    }

    /** The path of the bad field from the plan's root, or null when the document as a whole is bad. */
    public String field() {
        return field;
    }

    /** The same error found inside the object at {@code path}. */
    InvalidFaultPlanException under(String path) {
        if (path.isEmpty()) {
            return this;
        }
        return new InvalidFaultPlanException(field == null ? path : path + "." + field, problem);
    }
}
