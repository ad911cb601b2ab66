package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.JpegHeader.Frame;
import dev.codebound.protocol.photo.jpeg.JpegHeader.QuantTable;
import dev.codebound.protocol.photo.jpeg.JpegHeader;
import dev.codebound.protocol.photo.jpeg.QualityEstimator;

/** Checks the estimated IJG quality of the first (luminance) component's quantization table. */
final class QualityCheck {
    private QualityCheck() {
    }

    static void check(JpegHeader header, Findings findings) {
        int required = findings.spec().minQuality();
        Frame frame = header.frame();
        if (frame.components().isEmpty()) {
            return; // FrameCheck reports the missing colour components
        }
        QuantTable table = header.quantTables().get(frame.components().get(0).quantTable());
        if (table == null) {
            findings.fail(Check.QUALITY, "photo has no quantization table for its first component;"
                    + " cannot estimate JPEG quality (must be at least " + required + ")");
            return;
        }
        int quality = QualityEstimator.estimate(table.values(), table.sixteenBit());
        if (quality < required) {
            findings.fail(Check.QUALITY, "JPEG quality is about " + quality + "; must be at least " + required);
        }
    }
}
