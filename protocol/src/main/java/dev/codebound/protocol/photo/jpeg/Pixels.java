package dev.codebound.protocol.photo.jpeg;

/**
 * A decoded photo: three bytes a pixel, row by row, in red, green, blue order (the order libjpeg
 * writes its scanlines in, so the decoder copies whole rows into this array without reordering
 * them).
 *
 * @param width  pixels per row
 * @param height rows
 * @param rgb    {@code 3 * width * height} bytes; not copied, and not to be modified
 */
public record Pixels(int width, int height, byte[] rgb) {
    /** The pixel at column {@code x}, row {@code y}, as 0xRRGGBB. */
    public int at(int x, int y) {
        return at(y * width + x);
    }

    /** The pixel at {@code index} (row by row), as 0xRRGGBB. */
    public int at(int index) {
        int b = 3 * index;
        return ((rgb[b] & 0xFF) << 16) | ((rgb[b + 1] & 0xFF) << 8) | (rgb[b + 2] & 0xFF);
    }
}
