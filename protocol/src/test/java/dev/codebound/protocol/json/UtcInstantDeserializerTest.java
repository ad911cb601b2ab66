package dev.codebound.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Instants read without DateTimeFormatter are the instants Jackson reads. */
class UtcInstantDeserializerTest {
    /** Jackson's own reading of instants. */
    static final ObjectMapper JACKSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** A mapper as the registry's records and the station's spool set theirs up. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(UtcInstantDeserializer.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void instantsAsRecordsWriteThemReadBackExactly() throws IOException {
        Random random = new Random(10);
        long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(first),
                Instant.ofEpochSecond(last, 999_999_999), Instant.parse("2024-02-29T12:00:00Z"),
                Instant.parse("2026-12-07T13:20:28.1Z"), Instant.parse("2026-12-07T13:20:28.000001Z")));
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)),
                    random.nextInt(1_000_000_000));
            instants.add(switch (i % 4) {
                case 0 -> instant.truncatedTo(ChronoUnit.SECONDS);
                case 1 -> instant.truncatedTo(ChronoUnit.MILLIS);
                case 2 -> instant.truncatedTo(ChronoUnit.MICROS);
                default -> instant;
            });
        }
        for (Instant instant : instants) {
            String written = JSON.writeValueAsString(instant);
            assertEquals(instant, UtcInstantDeserializer.parse(written.substring(1, written.length() - 1)), written);
            assertEquals(instant, JSON.readValue(written, Instant.class), written);
        }
    }

    @Test
    void everyFractionLengthIsReadAsInstantParseReadsIt() {
        String fraction = "123456789";
        assertEquals(Instant.parse("2026-12-07T13:20:28Z"), UtcInstantDeserializer.parse("2026-12-07T13:20:28Z"));
        for (int digits = 1; digits <= 9; digits++) {
            String text = "2026-12-07T13:20:28." + fraction.substring(0, digits) + "Z";
            assertEquals(Instant.parse(text), UtcInstantDeserializer.parse(text), text);
        }
    }

    /** Every other form is left to Jackson: read as Jackson reads it, or refused as Jackson refuses it. */
    @Test
    void anyOtherTextIsJacksonsToReadOrRefuse() throws IOException {
        List<String> others = List.of("2026-12-07T21:20:28+08:00", "2026-12-07T13:20:28.1234567890Z",
                "2026-12-07T13:20:28.Z", "2026-12-31T23:59:60Z", "2026-12-07T24:00:00Z", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "+12026-12-07T13:20:28Z", "2026-12-07 13:20:28Z", "2026-12-07T13:20:28z",
                "2026-12-07T13:2a:28Z", "2026-12-07T13:20:28", "", "yesterday");
        for (String text : others) {
            assertNull(UtcInstantDeserializer.parse(text), text);
            String json = "\"" + text + "\"";
            Instant expected;
            try {
                expected = JACKSON.readValue(json, Instant.class);
            } catch (IOException refused) {
                assertThrows(IOException.class, () -> JSON.readValue(json, Instant.class), text);
                continue;
            }
            assertEquals(expected, JSON.readValue(json, Instant.class), text);
        }
        assertEquals(JACKSON.readValue("1765113628.5", Instant.class),
                JSON.readValue("1765113628.5", Instant.class), "a number");
    }
}
