package dev.codebound.server.upload;

import dev.codebound.protocol.wire.Problem;
import java.util.Objects;

/** What the registry decided about a completed upload. */
public sealed interface CompletionOutcome {
    /** The upload was accepted; {@code receiptJson} is served by {@code GET /files/{id}/result}. */
    record Accepted(byte[] receiptJson) implements CompletionOutcome {
        public Accepted {
            Objects.requireNonNull(receiptJson, "receiptJson");
            receiptJson = receiptJson.clone();
        }

        @Override
        public byte[] receiptJson() {
            return receiptJson.clone();
        }
    }

    /** The upload was rejected for the reason {@code problem} gives. */
    record Rejected(Problem problem) implements CompletionOutcome {
        public Rejected {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /** The {@code Codebound-Outcome} header value. */
    default String headerValue() {
        return this instanceof Accepted ? "accepted" : "rejected";
    }
}
