package dev.codebound.agent.cli;

import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationRevokedException;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.pki.PkiException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.List;
import picocli.CommandLine;

/**
 * The agent's documented exit codes (docs/agent.md), and the mapping from failures to them, so a
 * script driving a station can tell "fix the photo" from "the network is down".
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** A bug or an unexpected failure; the message says what happened. */
    public static final int INTERNAL = 1;
    /** Wrong command-line usage (picocli's own code). */
    public static final int USAGE = 2;
    /** The station's own state or configuration is missing or invalid. */
    public static final int STATION = 3;
    /** The collection code was refused (or could not be read from the QR image). */
    public static final int CODE_REFUSED = 4;
    /** The photo was refused by the specification checks. */
    public static final int PHOTO_REFUSED = 5;
    /** The registry could not be reached. */
    public static final int UNREACHABLE = 6;
    /** The registry refused the request (enrollment, trust refresh), or revoked this station. */
    public static final int REGISTRY_REFUSED = 7;
    /** Uploading finished with entries not delivered (rejected, failed or corrupt). */
    public static final int UNDELIVERED = 8;
    /** An audit verification found a problem. */
    public static final int AUDIT_FAILED = 9;

    private static final List<String> KINDS = List.of("ok", "internal", "usage", "station", "code-refused",
            "photo-refused", "unreachable", "registry-refused", "undelivered", "audit-failed");

    private ExitCodes() {}

    /** A stable name for an exit code, for JSON error objects (e.g. {@code "station"} for 3). */
    static String kind(int exitCode) {
        return exitCode >= 0 && exitCode < KINDS.size() ? KINDS.get(exitCode) : "exit-" + exitCode;
    }

    /** Maps an exception thrown by a command to its exit code. */
    static int forException(Throwable failure) {
        if (failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (failure instanceof StationRevokedException) {
            return REGISTRY_REFUSED;
        }
        if (failure instanceof StationException) {
            return STATION;
        }
        if (failure instanceof PkiException) {
            // Keys, certificates and trust bundles the station holds: e.g. no encryption certificate valid now.
            return STATION;
        }
        if (failure instanceof CodeException || failure instanceof QrCodes.QrReadException) {
            return CODE_REFUSED;
        }
        if (failure instanceof AgentFailure agentFailure) {
            return agentFailure.exitCode();
        }
        if (isDiskFailure(failure) || failure instanceof FileSystemException) {
            // The station's files: a missing directory, a denied permission. The operator fixes those.
            return STATION;
        }
        if (failure instanceof java.net.ConnectException || failure instanceof java.net.UnknownHostException
                || failure instanceof java.net.SocketTimeoutException) {
            return UNREACHABLE;
        }
        return INTERNAL;
    }

    /** What the operating system says (strerror) when the station's disk refuses a write. */
    private static final List<String> DISK_ERRORS = List.of("No space left on device", "Read-only file system",
            "Disk quota exceeded");

    /**
     * Whether the station's own disk refused a write: full, read-only or over quota. That is the
     * station's state, which the operator can fix (exit 3 with one line), not a bug (exit 1 with a
     * stack trace). The JDK reports these as plain {@link IOException}s (or file-system
     * exceptions) whose message is the operating system's.
     */
    static boolean isDiskFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null
                    && DISK_ERRORS.stream().anyMatch(cause.getMessage()::contains)) {
                return true;
            }
        }
        return false;
    }
}
