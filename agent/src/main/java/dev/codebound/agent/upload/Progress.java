package dev.codebound.agent.upload;

import java.time.Duration;

/**
 * A progress snapshot: one entry's and the whole run's bytes, rate and estimated time left. Rates
 * are averages since the entry (or run) started sending; an ETA is {@code null} while no rate is
 * known yet.
 *
 * @param entryId        the entry (envelope SHA-256) that just moved
 * @param entryBytes     bytes of that entry sent or acknowledged so far
 * @param entryLength    that entry's length
 * @param entryRate      that entry's rate in bytes per second
 * @param entryEta       time left for that entry, or {@code null}
 * @param totalBytes     bytes of all entries of the run sent or acknowledged so far
 * @param totalLength    length of all entries of the run
 * @param totalRate      the run's rate in bytes per second
 * @param totalEta       time left for the run, or {@code null}
 * @param activeEntries  entries being uploaded right now
 */
public record Progress(String entryId, long entryBytes, long entryLength, double entryRate, Duration entryEta,
        long totalBytes, long totalLength, double totalRate, Duration totalEta, int activeEntries) {}
