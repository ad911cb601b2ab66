package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureKindTest {
    @ParameterizedTest
    @CsvSource({"500,TRANSIENT", "502,TRANSIENT", "503,TRANSIENT", "423,TRANSIENT", "429,TRANSIENT",
            "460,TRANSIENT", "408,TRANSIENT", "404,GONE", "410,GONE", "409,OFFSET_MISMATCH", "401,UNAUTHORIZED",
            "403,UNAUTHORIZED", "400,REJECTED", "413,REJECTED", "415,REJECTED", "422,REJECTED"})
    void classifiesStatuses(int status, FailureKind expected) {
        assertEquals(expected, FailureKind.ofStatus(status));
    }
}
