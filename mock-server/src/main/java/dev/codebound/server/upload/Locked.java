package dev.codebound.server.upload;

import dev.codebound.server.http.Exchange;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;

/** The 423 every handler gives when another request holds the upload. */
final class Locked {
    private Locked() {}

    /**
     * The server does not wait for the lock: a client whose previous PATCH is still being
     * processed (or whose broken connection the server has not noticed yet) retries after a HEAD.
     */
    static Refusal refusal(Exchange exchange) {
        return new Refusal(ProblemType.UPLOAD_LOCKED,
                "another request is writing this upload; wait for it to finish, then HEAD and resume", exchange.path());
    }
}
