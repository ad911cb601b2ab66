package dev.codebound.protocol.photo.jpeg;

import javax.imageio.plugins.jpeg.JPEGQTable;

/**
 * Estimates the IJG (libjpeg) quality setting that produced a luminance quantization table.
 *
 * <p>Method: libjpeg builds its tables from the example luminance table of ITU T.81 Annex K.1 scaled
 * by a quality factor ({@code jcparam.c}: {@code scale = q < 50 ? 5000 / q : 200 - 2q}, each entry
 * {@code (base * scale + 50) / 100} clamped to 1..255, or 1..32767 for 16-bit tables). This class
 * builds that table for every quality 1..100 and returns the quality whose table is closest to the
 * given one (least sum of absolute differences); of equally close qualities it returns the highest, as
 * equal tables compress equally. For files written by libjpeg and its descendants (ImageIO, most
 * editors and cameras' export paths) the estimate is exact; for tables from elsewhere it is the IJG
 * quality of similar compression, which is what "JPEG quality" means in practice.
 */
public final class QualityEstimator {
    /** Annex K.1's luminance table, natural order; the JDK ships it as the IJG base table. */
    private static final int[] BASE = JPEGQTable.K1Luminance.getTable();

    private QualityEstimator() {
    }

    /**
     * The estimated quality 1..100.
     *
     * @param natural    the 64 table entries in natural order
     * @param sixteenBit whether the table was stored with 16-bit precision (entries may exceed 255)
     */
    public static int estimate(int[] natural, boolean sixteenBit) {
        int best = 100;
        long bestDistance = Long.MAX_VALUE;
        for (int quality = 100; quality >= 1; quality--) {
            long distance = 0;
            int[] expected = ijgTable(quality, sixteenBit);
            for (int i = 0; i < 64; i++) {
                distance += Math.abs(natural[i] - expected[i]);
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = quality;
            }
        }
        return best;
    }

    /** libjpeg's luminance table for {@code quality}, natural order (jcparam.c, jpeg_add_quant_table). */
    public static int[] ijgTable(int quality, boolean sixteenBit) {
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        int max = sixteenBit ? 32767 : 255;
        int[] table = new int[64];
        for (int i = 0; i < 64; i++) {
            long value = ((long) BASE[i] * scale + 50) / 100;
            table[i] = (int) Math.max(1, Math.min(max, value));
        }
        return table;
    }
}
