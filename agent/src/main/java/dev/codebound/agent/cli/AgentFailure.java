package dev.codebound.agent.cli;

/** A command failed in a way that has its own exit code; the message is shown to the operator. */
public class AgentFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public AgentFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public AgentFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
