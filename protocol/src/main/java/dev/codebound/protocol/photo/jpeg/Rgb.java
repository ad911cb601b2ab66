package dev.codebound.protocol.photo.jpeg;

/** Helpers for packed 0xRRGGBB pixels, as {@link java.awt.image.BufferedImage#getRGB} returns them. */
public final class Rgb {
    private Rgb() {
    }

    public static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    public static int green(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    public static int blue(int rgb) {
        return rgb & 0xFF;
    }

    public static int pack(int red, int green, int blue) {
        return (clamp(red) << 16) | (clamp(green) << 8) | clamp(blue);
    }

    public static int clamp(int component) {
        return Math.max(0, Math.min(255, component));
    }

    public static double distance(int r1, int g1, int b1, int r2, int g2, int b2) {
        int dr = r1 - r2;
        int dg = g1 - g2;
        int db = b1 - b2;
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    public static double distance(int rgb1, int rgb2) {
        return distance(red(rgb1), green(rgb1), blue(rgb1), red(rgb2), green(rgb2), blue(rgb2));
    }

    public static String format(int red, int green, int blue) {
        return "RGB(" + red + "," + green + "," + blue + ")";
    }

    public static String format(int rgb) {
        return format(red(rgb), green(rgb), blue(rgb));
    }
}
