package dev.codebound.agent.upload;

import dev.codebound.protocol.wire.Problem;
import java.time.Duration;
import java.util.Locale;

/**
 * What one {@link Uploader#runOnce()} did. Entry counts refer to attempts made in this run.
 *
 * @param delivered   entries delivered (receipt stored)
 * @param rejected    entries the registry refused (problem stored)
 * @param failed      entries that stopped on transient errors and will be resumed later
 * @param corrupt     entries whose envelope failed verification and were not uploaded
 * @param notStarted  due entries left for a later run (window closed, deadline, or run stopped)
 * @param bytesSent   request-body bytes written, including re-sent ones
 * @param bytesResent bytes sent again because an earlier send of them was not acknowledged
 * @param elapsed     wall time of the run
 * @param stop        why the run ended
 * @param stationRefusal the registry's refusal of the station itself when {@code stop} is
 *                    {@link Stop#UNAUTHORIZED} (e.g. 403 {@code STATION_REVOKED}), else {@code null}
 */
public record UploadRun(int delivered, int rejected, int failed, int corrupt, int notStarted, long bytesSent,
        long bytesResent, Duration elapsed, Stop stop, Problem stationRefusal) {

    /** Why a run ended. */
    public enum Stop {
        /** Every due entry was attempted. */
        COMPLETED,
        /** The upload window closed; entries not started wait for the next window. */
        WINDOW_CLOSED,
        /** The run's deadline passed. */
        DEADLINE,
        /**
         * The registry refused the station itself (401/403); nothing else was started, and the entry
         * that met the refusal was left as it was.
         */
        UNAUTHORIZED
    }

    /** One human-readable line. */
    public String summary() {
        return String.format(Locale.ROOT, "%d delivered, %d rejected, %d failed, %d corrupt, %d not started; "
                + "%s sent (%s re-sent) in %ds; %s", delivered, rejected, failed, corrupt, notStarted,
                TerminalProgressBar.bytes(bytesSent), TerminalProgressBar.bytes(bytesResent), elapsed.toSeconds(),
                stop.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
}
