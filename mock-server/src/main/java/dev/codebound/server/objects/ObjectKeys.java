package dev.codebound.server.objects;

/**
 * The key rules of the {@link ObjectStore} contract, checked the same way by every implementation:
 * 1 to 512 characters of {@code [A-Za-z0-9._/-]}, not starting with {@code /}, with no empty,
 * {@code .} or {@code ..} segment.
 */
public final class ObjectKeys {
    /** The longest key the contract allows. */
    public static final int MAX_LENGTH = 512;

    private ObjectKeys() {}

    /**
     * Returns {@code key} if it is a valid object key.
     *
     * @throws IllegalArgumentException saying what is wrong with it otherwise
     */
    public static String check(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an object key is 1 to " + MAX_LENGTH + " characters, got "
                    + (key == null ? "none" : key.length()));
        }
        checkCharacters(key);
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("object key '" + key
                        + "' has an empty, '.' or '..' segment (or starts or ends with '/')");
            }
        }
        return key;
    }

    /**
     * Returns {@code prefix} if it can start a valid key: empty, or at most {@link #MAX_LENGTH}
     * characters of the key alphabet not starting with {@code /}.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a key prefix is at most " + MAX_LENGTH + " characters");
        }
        if (!prefix.isEmpty()) {
            checkCharacters(prefix);
        }
        return prefix;
    }

    private static void checkCharacters(String text) {
        if (text.charAt(0) == '/') {
            throw new IllegalArgumentException("object key '" + text + "' starts with '/'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '/' || c == '-';
            if (!allowed) {
                // The character's code, not the character: a key is never client text, but a log line is no place to find out.
                throw new IllegalArgumentException("object key has character U+"
                        + String.format("%04X", (int) c) + " at index " + i + "; keys are [A-Za-z0-9._/-]");
            }
        }
    }
}
