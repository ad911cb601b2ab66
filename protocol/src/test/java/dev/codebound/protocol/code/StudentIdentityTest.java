package dev.codebound.protocol.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StudentIdentityTest {
    @Test
    void masksAllButTheFirstCharacter() {
        assertEquals("张*", new StudentIdentity("1", "张三", "11010519491231002X").maskedName());
        assertEquals("欧***", new StudentIdentity("1", "欧阳娜娜", "11010519491231002X").maskedName());
        assertEquals("*", new StudentIdentity("1", "李", "11010519491231002X").maskedName());
        assertEquals("W*****", new StudentIdentity("1", "Wang Li".replace(" ", ""), "11010519491231002X")
                .maskedName());
    }

    @Test
    void checksTheIdNumberCheckDigit() {
        assertEquals('X', StudentIdentity.idNumberCheckCharacter("11010519491231002"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StudentIdentity("1", "张三", "110105194912310021"));
        assertEquals("ID number check digit is wrong (ISO 7064 MOD 11-2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StudentIdentity("1", "张三", "1101051949123100"));
        assertEquals("11010519491231002X", new StudentIdentity("1", "张三", "11010519491231002x").idNumber());
    }

    @Test
    void refusesBadStudentNumbersAndNames() {
        assertThrows(IllegalArgumentException.class, () -> new StudentIdentity("12 34", "张三", "11010519491231002X"));
        assertThrows(IllegalArgumentException.class, () -> new StudentIdentity("1", " ", "11010519491231002X"));
        assertThrows(IllegalArgumentException.class, () -> new StudentIdentity("1", "张\n三", "11010519491231002X"));
    }

    @Test
    void neverPrintsPersonalData() {
        String printed = new StudentIdentity("2023012345", "张三", "11010519491231002X").toString();
        assertFalse(printed.contains("张") || printed.contains("2023012345") || printed.contains("1101"), printed);
    }
}
