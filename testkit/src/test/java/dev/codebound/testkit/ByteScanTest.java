package dev.codebound.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteScanTest {
    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsARunAnywhereAndOnlyWhole() {
        assertTrue(ByteScan.contains(ascii("xxCB1secretyy"), ascii("CB1secret")));
        assertTrue(ByteScan.contains(ascii("CB1secret"), ascii("CB1secret")), "the whole haystack");
        assertTrue(ByteScan.contains(ascii("abcCB1"), ascii("CB1")), "at the very end");
        assertFalse(ByteScan.contains(ascii("CB1secre"), ascii("CB1secret")), "cut short");
        assertFalse(ByteScan.contains(ascii("CB1 secret"), ascii("CB1secret")), "not consecutive");
        assertFalse(ByteScan.contains(new byte[0], ascii("C")));
    }
}
