package dev.codebound.agent.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Fuzz test for the spool's journal records (docs/security-fuzzing.md), which {@code Spool.open}
 * decodes from a journal on disk: a record that passed its CRC but is not one this agent wrote must
 * be refused with an {@link IOException} naming the problem (the spool then refuses to open rather
 * than forget an entry), never crash the agent with another exception. Seeds: the records of a
 * spool journal written by the quickstart, and a remove record.
 */
class SpoolRecordsFuzzTest {
    /** Only IOException escapes; whatever decodes encodes again to a record that decodes the same. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        Object decoded;
        try {
            decoded = SpoolRecords.decode(ByteBuffer.wrap(input));
        } catch (IOException e) {
            assertNotNull(e.getMessage());
            return;
        }
        try {
            if (decoded instanceof SpoolRecords.Slot slot) {
                SpoolRecords.Slot again = (SpoolRecords.Slot) SpoolRecords.decode(ByteBuffer.wrap(SpoolRecords.put(slot)));
                assertEquals(slot.entry(), again.entry());
                assertArrayEquals(slot.outcome(), again.outcome());
            } else {
                assertEquals(decoded, SpoolRecords.decode(ByteBuffer.wrap(SpoolRecords.remove((String) decoded))));
            }
        } catch (IOException e) {
            throw new AssertionError("a record this agent decoded does not survive its own encoding", e);
        }
    }
}
