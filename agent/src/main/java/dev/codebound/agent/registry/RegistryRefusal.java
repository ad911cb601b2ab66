package dev.codebound.agent.registry;

import dev.codebound.protocol.wire.Problem;

/** The registry answered with a refusal; the problem carries its stable reason and explanation. */
public final class RegistryRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public RegistryRefusal(Problem problem) {
        super(describe(problem));
        this.problem = problem;
    }

    /** The registry's problem body (RFC 9457). */
    public Problem problem() {
        return problem;
    }

    private static String describe(Problem problem) {
        String detail = problem.detail() != null ? problem.detail()
                : problem.title() != null ? problem.title() : "HTTP " + problem.status();
        return "the registry refused: " + detail + (problem.reason() == null ? "" : " (" + problem.reason() + ")");
    }
}
