package dev.codebound.protocol.photo.check;

import dev.codebound.protocol.photo.jpeg.Rgb;
import java.util.Objects;

/**
 * An allowed background colour.
 *
 * @param name  how messages name it, e.g. {@code light blue}
 * @param red   0..255
 * @param green 0..255
 * @param blue  0..255
 */
public record BackgroundColour(String name, int red, int green, int blue) {
    /** The registry's light blue, RGB(100,197,255). */
    public static final BackgroundColour LIGHT_BLUE = new BackgroundColour("light blue", 100, 197, 255);
    /** White, RGB(255,255,255). */
    public static final BackgroundColour WHITE = new BackgroundColour("white", 255, 255, 255);
    /** The registry's light grey, RGB(240,240,240). */
    public static final BackgroundColour LIGHT_GREY = new BackgroundColour("light grey", 240, 240, 240);

    /** Validates the fields. */
    public BackgroundColour {
        Objects.requireNonNull(name, "name");
        if ((red | green | blue) < 0 || red > 255 || green > 255 || blue > 255) {
            throw new IllegalArgumentException("colour components must be 0..255");
        }
    }

    /** Euclidean distance in RGB space to the given colour (0 to about 442). */
    public double distanceTo(int r, int g, int b) {
        return Rgb.distance(red, green, blue, r, g, b);
    }

    /** E.g. {@code light blue RGB(100,197,255)}. */
    @Override
    public String toString() {
        return name + " " + Rgb.format(red, green, blue);
    }
}
