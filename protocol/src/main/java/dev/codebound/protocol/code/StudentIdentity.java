package dev.codebound.protocol.code;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who a collection code belongs to. Only the registry ever sees this in clear: inside a code it is
 * sealed to the registry's encryption key. {@link #toString()} never prints the values, so an
 * identity cannot leak into a log by accident.
 *
 * @param studentNumber the school's student number (letters and digits, 1 to 32)
 * @param name          the student's name as registered (1 to 32 characters)
 * @param idNumber      the 18-character resident identity number, with a valid ISO 7064 check digit
 */
public record StudentIdentity(String studentNumber, String name, String idNumber) {
    private static final Pattern STUDENT_NUMBER = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern ID_NUMBER = Pattern.compile("[0-9]{17}[0-9X]");
    private static final int MAX_NAME_CODE_POINTS = 32;

    public StudentIdentity {
        Objects.requireNonNull(studentNumber, "studentNumber");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(idNumber, "idNumber");
        if (!STUDENT_NUMBER.matcher(studentNumber).matches()) {
            throw new IllegalArgumentException("student number must be 1 to 32 letters or digits");
        }
        String strippedName = name.strip();
        int length = strippedName.codePointCount(0, strippedName.length());
        if (length == 0 || length > MAX_NAME_CODE_POINTS) {
            throw new IllegalArgumentException("name must be 1 to " + MAX_NAME_CODE_POINTS + " characters");
        }
        if (strippedName.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("name must not contain control characters");
        }
        name = strippedName;
        idNumber = idNumber.toUpperCase(java.util.Locale.ROOT);
        if (!ID_NUMBER.matcher(idNumber).matches()) {
            throw new IllegalArgumentException("ID number must be 17 digits followed by a digit or X");
        }
        if (idNumber.charAt(17) != idNumberCheckCharacter(idNumber.substring(0, 17))) {
            throw new IllegalArgumentException("ID number check digit is wrong (ISO 7064 MOD 11-2)");
        }
    }

    /** The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number. */
    public static char idNumberCheckCharacter(String first17Digits) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            int weight = (1 << (17 - i)) % 11;
            sum += (first17Digits.charAt(i) - '0') * weight;
        }
        return "10X98765432".charAt(sum % 11);
    }

    /**
     * The display name a station may show: the first character, then one {@code *} per remaining
     * character ({@code 张三} becomes {@code 张*}); a one-character name becomes {@code *}.
     */
    public String maskedName() {
        int[] codePoints = name.codePoints().toArray();
        if (codePoints.length == 1) {
            return "*";
        }
        return new String(codePoints, 0, 1) + "*".repeat(codePoints.length - 1);
    }

    @Override
    public String toString() {
        return "StudentIdentity[redacted]";
    }
}
