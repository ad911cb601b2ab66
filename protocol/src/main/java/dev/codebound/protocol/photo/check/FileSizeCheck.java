package dev.codebound.protocol.photo.check;

import java.util.Locale;

/** Checks the file size against the accepted range and, failing nothing there, the typical one. */
final class FileSizeCheck {
    private FileSizeCheck() {
    }

    static void check(long bytes, Findings findings) {
        PhotoSpec spec = findings.spec();
        String limitError = limitMessage(bytes, spec.minFileBytes(), spec.maxFileBytes());
        if (limitError != null && findings.fail(Check.FILE_SIZE, limitError)) {
            return;
        }
        if (bytes < spec.typicalMinFileBytes() || bytes > spec.typicalMaxFileBytes()) {
            findings.fail(Check.FILE_SIZE_TYPICAL, "file is " + describe(bytes) + "; photos are typically "
                    + describe(spec.typicalMinFileBytes()) + " to " + describe(spec.typicalMaxFileBytes()));
        }
    }

    /** The FILE_SIZE message for a file of {@code bytes}, or null if it is within the limits. */
    static String limitMessage(long bytes, long min, long max) {
        if (bytes > max) {
            return "file is " + describe(bytes) + "; must be at most " + describe(max);
        }
        if (bytes < min) {
            return "file is " + describe(bytes) + "; must be at least " + describe(min);
        }
        return null;
    }

    /** {@code 60 KB} for whole kilobytes (1024 bytes), else e.g. {@code 72.3 KB (74035 bytes)}. */
    static String describe(long bytes) {
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KB";
        }
        if (bytes >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB (%d bytes)", bytes / (1024.0 * 1024), bytes);
        }
        return String.format(Locale.ROOT, "%.1f KB (%d bytes)", bytes / 1024.0, bytes);
    }
}
