package dev.codebound.protocol.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BindingTest {
    /** Found by EnvelopeFuzzTest.bindingFromDer: no bytes at all used to escape as a NullPointerException. */
    @Test
    void anEmptyBindingIsMalformedNotANullPointer() {
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> Binding.fromDer(new byte[0]));
        assertEquals(EnvelopeException.Reason.MALFORMED, e.reason());
    }
}
