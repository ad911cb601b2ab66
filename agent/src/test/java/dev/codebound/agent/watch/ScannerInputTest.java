package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scanner's lines reach the watch loop in order, blank ones skipped, and its end is always told. */
class ScannerInputTest {
    @Test
    void linesArriveInOrderStrippedWithoutBlanksThenTheEnd() throws Exception {
        ScannerInput scanner = ScannerInput.start(new ByteArrayInputStream(
                "  CB1:first \n\n   \nCB1:second\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new ScannerInput.Line("CB1:first"), scanner.take());
        assertEquals(new ScannerInput.Line("CB1:second"), scanner.take());
        assertEquals(new ScannerInput.Ended(Optional.empty()), scanner.take());
        assertEquals(Optional.empty(), scanner.next(), "nothing after the end");
    }

    @Test
    void aReadFailureEndsTheInputWithItsReason() throws Exception {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("scanner unplugged");
            }
        };
        assertEquals(new ScannerInput.Ended(Optional.of("scanner unplugged")), ScannerInput.start(broken).take());
    }
}
