package dev.codebound.protocol.code;

import dev.codebound.protocol.code.CodeException.Reason;
import java.util.Locale;
import org.bouncycastle.util.encoders.Base32;

/**
 * The text form of a collection code: the prefix {@code CB} and a version digit, then the binary
 * code in RFC 4648 base32 without padding.
 *
 * <p>The alphabet is only {@code A-Z}, {@code 2-7} and the prefix's digit: characters every barcode
 * scanner types correctly as keyboard input, whatever the shift state (decoding ignores case, so
 * Caps Lock is harmless), and which QR codes store in their compact alphanumeric mode. Spaces and
 * line breaks a person adds while copying are ignored.
 */
final class CodeText {
    /** The prefix of every collection code, before the version digit. */
    static final String PREFIX = "CB";

    private CodeText() {}

    /** The canonical text of a binary code. */
    static String encode(int version, byte[] binary) {
        String base32 = Base32.toBase32String(binary);
        int padding = base32.indexOf('=');
        return PREFIX + version + (padding < 0 ? base32 : base32.substring(0, padding));
    }

    /** Upper-cased text with whitespace removed: what a code is compared and stored as. */
    static String normalize(String text) {
        return text.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    }

    /**
     * Decodes normalized text to the binary code.
     *
     * @throws CodeException MALFORMED for a bad prefix, alphabet or length; UNSUPPORTED_VERSION for
     *     another version digit
     */
    static byte[] decode(String normalized, int supportedVersion) throws CodeException {
        if (normalized.isEmpty()) {
            throw new CodeException(Reason.MALFORMED, "the collection code is empty");
        }
        if (!normalized.startsWith(PREFIX) || normalized.length() < PREFIX.length() + 2) {
            throw new CodeException(Reason.MALFORMED, "not a collection code: it must start with '" + PREFIX
                    + "' followed by a version digit (was a different QR code scanned?)");
        }
        char version = normalized.charAt(PREFIX.length());
        if (version != Character.forDigit(supportedVersion, 10)) {
            throw new CodeException(Reason.UNSUPPORTED_VERSION, "collection code text version '" + version
                    + "' is not supported; this software reads version " + supportedVersion
                    + " (update the station software if the registry has moved on)");
        }
        String body = normalized.substring(PREFIX.length() + 1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
                throw new CodeException(Reason.MALFORMED, "character '" + c + "' at position "
                        + (i + PREFIX.length() + 2) + " is not allowed in a collection code (only A-Z and 2-7); "
                        + "if it was typed by a scanner, check the scanner's keyboard layout");
            }
        }
        int remainder = body.length() % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new CodeException(Reason.MALFORMED, "the collection code has an impossible length ("
                    + normalized.length() + " characters): it was cut short or has extra characters");
        }
        byte[] binary = Base32.decode(remainder == 0 ? body : body + "=".repeat(8 - remainder));
        if (!encode(supportedVersion, binary).equals(normalized)) {
            throw new CodeException(Reason.MALFORMED, "the collection code's last character is not canonical: "
                    + "the code was altered");
        }
        return binary;
    }
}
