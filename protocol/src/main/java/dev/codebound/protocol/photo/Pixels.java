package dev.codebound.protocol.photo;

/**
 * A decoded photo as packed 0xRRGGBB pixels, row by row.
 *
 * @param width  pixels per row
 * @param height rows
 * @param rgb    {@code width * height} pixels; not copied, and not to be modified
 */
record Pixels(int width, int height, int[] rgb) {
    int at(int x, int y) {
        return rgb[y * width + x];
    }
}
