package dev.codebound.testkit;

/**
 * Finds a secret's bytes inside other bytes, for the privacy tests that assert that no code text,
 * key or name appears in an envelope, a spool, a log or a data directory, wherever it might sit.
 */
public final class ByteScan {
    private ByteScan() {}

    /** Whether {@code needle} occurs in {@code haystack} as a run of consecutive bytes. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
