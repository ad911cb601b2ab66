package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Problem;

/** A request the tus handlers turn down: thrown from storage tasks, answered with {@link #problem()}. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;
    private final long currentOffset;

    private Refusal(Problem problem, long currentOffset) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.currentOffset = currentOffset;
    }

    /** A refusal with a problem body. */
    static Refusal of(int status, String reason, String title, String detail, String instance) {
        return new Refusal(Problem.of(status, reason, title, detail, instance), -1);
    }

    /** A 409: the request's offset is not the upload's; the answer carries the current offset. */
    static Refusal offsetMismatch(long requested, long current, String instance) {
        return new Refusal(Problem.of(409, "OFFSET_MISMATCH", "Upload-Offset does not match",
                "Upload-Offset is " + requested + " but the upload holds " + current
                        + " bytes; resume from the Upload-Offset in this response", instance), current);
    }

    Problem problem() {
        return problem;
    }

    /** The upload's current offset to report, or -1 when the answer should not carry one. */
    long currentOffset() {
        return currentOffset;
    }
}
