package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.JpegHeader;

/** Reports a corrupt marker structure (FORMAT) or a file that ends before its EOI marker (TRUNCATED). */
final class StructureCheck {
    private StructureCheck() {
    }

    /** Returns whether the structure is sound: complete, uncorrupted, with a frame and image data. */
    static boolean check(JpegHeader header, Findings findings) {
        if (header.corruption() != null) {
            findings.fail(Check.FORMAT, "JPEG structure is corrupt: " + header.corruption());
            return false;
        }
        if (header.truncation() != null) {
            findings.fail(Check.TRUNCATED, "file ends " + header.truncation()
                    + ", before the end-of-image marker (EOI); the JPEG is truncated");
            return false;
        }
        return true;
    }
}
