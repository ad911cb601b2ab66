package dev.codebound.server.admincli;

/** An admin command failed in a way that has its own exit code; the message is shown to the user. */
public class AdminFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public AdminFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public AdminFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
