package dev.codebound.server.problem;

import dev.codebound.protocol.wire.Problem;

/**
 * The server turned a request down: the one exception for every refusal, from the tus handlers to
 * the registry's services, answered with {@link #problem}. It names a {@link ProblemType} and says
 * what was wrong with this request; it carries no stack trace, because it is an answer, not a
 * fault.
 *
 * <p>The other two views of a refusal stay distinct on purpose: the protocol's
 * {@link dev.codebound.protocol.wire.Problem} is the wire form (an RFC 9457 body, any status, any
 * reason a future server may send), and the agent's {@code RegistryRefusal} is a client's view of a
 * problem body it received. This class is the server's decision, limited to the catalogue.
 */
public class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final ProblemType type;
    private final String instance;

    /** A refusal whose problem names the request's path as its instance. */
    public Refusal(ProblemType type, String detail) {
        this(type, detail, null);
    }

    /**
     * A refusal about {@code instance} (an upload's URL, a request path).
     *
     * @param detail what was wrong with this request, and what to do
     */
    public Refusal(ProblemType type, String detail, String instance) {
        super(detail, null, false, false);
        this.type = type;
        this.instance = instance;
    }

    /** Which kind of problem this is. */
    public ProblemType type() {
        return type;
    }

    /** The problem body, about the instance given at construction (none if none was). */
    public Problem problem() {
        return type.problem(getMessage(), instance);
    }

    /** The problem body, about {@code requestPath} unless an instance was given at construction. */
    public Problem problem(String requestPath) {
        return type.problem(getMessage(), instance != null ? instance : requestPath);
    }
}
