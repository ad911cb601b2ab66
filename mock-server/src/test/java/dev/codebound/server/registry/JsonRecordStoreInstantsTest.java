package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import dev.codebound.protocol.json.UtcInstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The registry's records read their instants without a DateTimeFormatter, and read them exactly. */
class JsonRecordStoreInstantsTest {
    @Test
    void theRecordsMapperReadsInstantsWithTheUtcDeserializer() throws IOException {
        DefaultDeserializationContext context = ((DefaultDeserializationContext) JsonRecordStore.JSON
                .getDeserializationContext()).createInstance(JsonRecordStore.JSON.getDeserializationConfig(), null,
                null);
        assertInstanceOf(UtcInstantDeserializer.class,
                context.findRootValueDeserializer(JsonRecordStore.JSON.constructType(Instant.class)));
        Instant instant = Instant.parse("2026-12-07T13:20:28.123456789Z");
        assertEquals(instant, JsonRecordStore.JSON.readValue(JsonRecordStore.JSON.writeValueAsString(instant),
                Instant.class));
    }
}
