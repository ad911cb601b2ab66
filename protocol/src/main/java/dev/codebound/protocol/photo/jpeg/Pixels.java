package dev.codebound.protocol.photo.jpeg;

/**
 * A decoded photo: three bytes a pixel, row by row, in blue, green, red order (the layout ImageIO
 * decodes a colour JPEG into, so the checks read the decoder's own array without converting it).
 *
 * @param width  pixels per row
 * @param height rows
 * @param bgr    {@code 3 * width * height} bytes; not copied, and not to be modified
 */
public record Pixels(int width, int height, byte[] bgr) {
    /** The pixel at column {@code x}, row {@code y}, as 0xRRGGBB. */
    public int at(int x, int y) {
        return at(y * width + x);
    }

    /** The pixel at {@code index} (row by row), as 0xRRGGBB. */
    public int at(int index) {
        int b = 3 * index;
        return ((bgr[b + 2] & 0xFF) << 16) | ((bgr[b + 1] & 0xFF) << 8) | (bgr[b] & 0xFF);
    }
}
