package dev.codebound.server.upload;

import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;

/**
 * The 409 for a PATCH whose {@code Upload-Offset} is not the upload's: the answer carries the
 * current offset, so that the client resumes from it without another HEAD.
 */
final class OffsetMismatch extends Refusal {
    private static final long serialVersionUID = 1L;

    private final long currentOffset;

    OffsetMismatch(long requested, long current, String instance) {
        super(ProblemType.OFFSET_MISMATCH, "Upload-Offset is " + requested + " but the upload holds " + current
                + " bytes; resume from the Upload-Offset in this response", instance);
        this.currentOffset = current;
    }

    /** The upload's durable offset, which the answer reports. */
    long currentOffset() {
        return currentOffset;
    }
}
