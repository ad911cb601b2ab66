package dev.codebound.agent.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A time window for export and show: from {@code since} (inclusive) to {@code until} (exclusive),
 * either end open when null.
 */
public record TimeRange(Instant since, Instant until) {
    /** Every time. */
    public static TimeRange all() {
        return new TimeRange(null, null);
    }

    /**
     * Parses a bound: an ISO-8601 instant ({@code 2026-11-26T04:00:00Z}) or a date
     * ({@code 2026-11-26}, meaning its first instant in UTC); null or empty stays open.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Instant parseBound(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw new IllegalArgumentException("'" + text + "' is neither an ISO-8601 instant such as "
                        + "2026-11-26T04:00:00Z nor a date such as 2026-11-26");
            }
        }
    }

    public boolean contains(Instant time) {
        return (since == null || !time.isBefore(since)) && (until == null || time.isBefore(until));
    }
}
