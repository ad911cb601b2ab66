package dev.codebound.protocol.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads instants in the form Jackson writes them, UTC with an optional fraction
 * ({@code 2026-12-07T13:20:28.123456Z}), without a {@code DateTimeFormatter}: Jackson's own
 * deserializer parses every instant through one. That was half the cost of reading one of the
 * registry's code records, read for every envelope accepted, and a third of replaying the station's
 * spool journal, replayed by every agent command. Any other text (an offset, a leap second, a
 * number, something invalid) goes to Jackson's deserializer, so what is accepted and refused, and
 * the instant read, are Jackson's.
 */
public final class UtcInstantDeserializer extends StdScalarDeserializer<Instant> {
    private static final long serialVersionUID = 1L;
    private static final int[] NANOS_PER_DIGIT = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100,
        10, 1};
    /** {@code yyyy-MM-ddTHH:mm:ssZ}. */
    private static final int SHORTEST = 20;
    private static final int SECONDS_PER_DAY = 86_400;

    /** A deserializer; {@link #module()} is the usual way to use one. */
    public UtcInstantDeserializer() {
        super(Instant.class);
    }

    /**
     * A module that reads {@link Instant}s with this deserializer: register it after Jackson's
     * {@code JavaTimeModule}, which it then replaces for reading instants.
     */
    public static Module module() {
        return new SimpleModule("UtcInstants").addDeserializer(Instant.class, new UtcInstantDeserializer());
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.hasToken(JsonToken.VALUE_STRING)) {
            Instant instant = parse(parser.getText());
            if (instant != null) {
                return instant;
            }
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }

    /**
     * The instant {@code text} states in the form {@code yyyy-MM-ddTHH:mm:ss[.f]Z}, with one to nine
     * digits of fraction; {@code null} for any other text, valid or not.
     */
    public static Instant parse(String text) {
        int length = text.length();
        if (length < SHORTEST || length == SHORTEST + 1 || length > SHORTEST + 10 || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z' || (length > SHORTEST && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int fractionDigits = length > SHORTEST ? length - SHORTEST - 1 : 0;
        int fraction = fractionDigits > 0 ? digits(text, 20, fractionDigits) : 0;
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || fraction < 0) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
        long seconds = date.toEpochDay() * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, fractionDigits > 0 ? (long) fraction * NANOS_PER_DIGIT[fractionDigits - 1]
                : 0);
    }

    /** The decimal value of {@code count} ASCII digits at {@code start}, or -1 if any is not a digit. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
