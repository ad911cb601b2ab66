package dev.codebound.testkit;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Synthetic portrait photos for tests and benchmarks: deterministic (the same seed and settings give the
 * same pixels everywhere, and the same bytes with the same JDK's JPEG encoder) and free of any real person.
 *
 * <p>A portrait is drawn pixel by pixel (no AWT graphics, so no display is needed): a plain background,
 * a head ellipse with hair, eyes and mouth, a neck and shoulders in clothing colour, all with seeded
 * Gaussian noise standing in for sensor noise and texture, which is what brings a JPEG of such simple
 * shapes to the size of a real photo. {@link #good(long)} meets the registry's default photo specification
 * ({@code PhotoSpec.defaults()} in the protocol module): 480×640, light blue, JFIF 300 dpi, quality 85, about
 * 31 KB, eyes drawn 250 px from the top and the face 216 px wide. {@link #bad(Defect, long)} gives photos
 * with one defect each. The kit does not depend on the protocol module (whose own tests use it), so which
 * check reports each defect is asserted by the protocol's {@code SamplePhotosTest}, not declared here.
 */
public final class SamplePhotos {
    private SamplePhotos() {
    }

    /** A photo that meets the default photo specification without errors or warnings. */
    public static byte[] good(long seed) {
        return builder(seed).jpeg();
    }

    /** A photo with exactly one defect, which the default photo specification reports as one ERROR. */
    public static byte[] bad(Defect defect, long seed) {
        return switch (defect) {
            case WRONG_SIZE -> builder(seed).size(600, 800).jpeg();
            case GRAYSCALE -> builder(seed).grayscale().jpeg();
            case TOO_SMALL -> builder(seed).noise(0).blur(4).quality(70).jpeg();
            case LOW_QUALITY -> builder(seed).quality(40).noise(6).jpeg();
            case WRONG_BACKGROUND -> builder(seed).background(200, 30, 30).jpeg();
            case WRONG_DENSITY -> builder(seed).densityDpi(72).jpeg();
            case NOT_JPEG -> builder(seed).png();
            case TRUNCATED -> {
                byte[] whole = good(seed);
                yield Arrays.copyOf(whole, whole.length * 3 / 4);
            }
        };
    }

    /** A builder for a custom portrait; its defaults give {@link #good(long)}. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /** The defects of {@link #bad(Defect, long)}, each failing one check of the default photo specification. */
    public enum Defect {
        /** 600×800 instead of 480×640 (the dimensions check). */
        WRONG_SIZE,
        /** One grayscale component instead of 24-bit colour (the colour check). */
        GRAYSCALE,
        /** An out-of-focus, noiseless portrait at quality 70: about 9 KB (the file-size check). */
        TOO_SMALL,
        /** Written at quality 40, with more noise so that the file stays above 10 KB (the quality check). */
        LOW_QUALITY,
        /** A red background (the background check). */
        WRONG_BACKGROUND,
        /** 72 dpi instead of 300 (the density check). */
        WRONG_DENSITY,
        /** A PNG (the format check). */
        NOT_JPEG,
        /** A good photo cut to three quarters of its length (the truncation check). */
        TRUNCATED
    }

    /** Settings of one synthetic portrait; geometry is in pixels of the output image. */
    public static final class Builder {
        private static final int SKIN = pack(225, 180, 150);
        private static final int HAIR = pack(45, 35, 30);
        private static final int CLOTHES = pack(45, 55, 85);
        private static final int SCLERA = pack(235, 235, 230);
        private static final int IRIS = pack(60, 45, 35);
        private static final int LIPS = pack(170, 95, 95);

        private final long seed;
        private int width = 480;
        private int height = 640;
        private int background = pack(100, 197, 255);
        private boolean grayscale;
        private int quality = 85;
        private int densityDpi = 300;
        private boolean progressive;
        private double noise = 2.5;
        private int blur;
        private Integer headCentreY;
        private Integer headWidth;
        private Integer headHeight;

        private Builder(long seed) {
            this.seed = seed;
        }

        /** Image size (default 480×640); the default head scales with it. */
        public Builder size(int width, int height) {
            if (width < 1 || height < 1 || (long) width * height > 16_000_000) {
                throw new IllegalArgumentException("sample size must be positive and at most 16 megapixels");
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /** Background colour (default light blue RGB(100,197,255)). */
        public Builder background(int red, int green, int blue) {
            if ((red | green | blue) < 0 || red > 255 || green > 255 || blue > 255) {
                throw new IllegalArgumentException("colour components must be 0..255");
            }
            this.background = pack(red, green, blue);
            return this;
        }

        /** Writes one grayscale component instead of 24-bit colour. */
        public Builder grayscale() {
            this.grayscale = true;
            return this;
        }

        /** IJG quality 1..100 (default 85). */
        public Builder quality(int quality) {
            if (quality < 1 || quality > 100) {
                throw new IllegalArgumentException("quality must be 1..100, got " + quality);
            }
            this.quality = quality;
            return this;
        }

        /** JFIF density in dpi (default 300); 0 writes JFIF without a density (units 0, aspect 1:1). */
        public Builder densityDpi(int dpi) {
            if (dpi < 0 || dpi > 65_535) {
                throw new IllegalArgumentException("JFIF density must be 0..65535, got " + dpi);
            }
            this.densityDpi = dpi;
            return this;
        }

        /** Writes a progressive JPEG (SOF2) instead of a baseline one. */
        public Builder progressive() {
            this.progressive = true;
            return this;
        }

        /** Standard deviation of the per-pixel noise in levels (default 2.5; 0 for flat colours). */
        public Builder noise(double sigma) {
            if (!(sigma >= 0 && sigma <= 100)) {
                throw new IllegalArgumentException("noise must be 0..100, got " + sigma);
            }
            this.noise = sigma;
            return this;
        }

        /** Box-blur radius in pixels applied before the noise (default 0): an out-of-focus photo. */
        public Builder blur(int radius) {
            if (radius < 0 || radius > 50) {
                throw new IllegalArgumentException("blur radius must be 0..50, got " + radius);
            }
            this.blur = radius;
            return this;
        }

        /**
         * Head ellipse: its centre row and its full width and height (default for 480×640: centre row 250,
         * 216 × 260). The head is centred horizontally; the eyes are drawn on the centre row.
         */
        public Builder head(int centreY, int width, int height) {
            if (width < 4 || height < 4) {
                throw new IllegalArgumentException("head must be at least 4×4 px");
            }
            this.headCentreY = centreY;
            this.headWidth = width;
            this.headHeight = height;
            return this;
        }

        /** The portrait as a JPEG with a JFIF header. */
        public byte[] jpeg() {
            try {
                return encodeJpeg(render());
            } catch (IOException e) {
                throw new UncheckedIOException("writing a JPEG to memory failed", e);
            }
        }

        /** The same portrait as a PNG: a realistic not-a-JPEG file. */
        public byte[] png() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(render(), "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException("writing a PNG to memory failed", e);
            }
            return out.toByteArray();
        }

        private BufferedImage render() {
            double sx = width / 480.0;
            double sy = height / 640.0;
            double cx = width / 2.0;
            double cy = headCentreY != null ? headCentreY : 250 * sy;
            double rx = (headWidth != null ? headWidth : 216 * sx) / 2;
            double ry = (headHeight != null ? headHeight : 260 * sy) / 2;
            double shoulderTop = cy + ry + 25 * sy;
            double shoulderRx = 235 * sx;
            double shoulderRy = 260 * sy;
            int[] rgb = new int[width * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double dx = (x - cx) / rx;
                    double dy = (y - cy) / ry;
                    int colour;
                    if (dx * dx + dy * dy <= 1) {
                        colour = face(dx, dy);
                    } else if (Math.abs(x - cx) < 0.42 * rx && y > cy && y < shoulderTop + 10) {
                        colour = shade(SKIN, 0.85);
                    } else if (inEllipse(x - cx, y - (shoulderTop + shoulderRy), shoulderRx, shoulderRy)) {
                        colour = CLOTHES;
                    } else {
                        colour = background;
                    }
                    rgb[y * width + x] = colour;
                }
            }
            if (blur > 0) {
                boxBlur(rgb, width, height, blur);
            }
            if (noise > 0) {
                Random random = new Random(seed); // a specified algorithm: the same pixels on every JDK
                for (int i = 0; i < rgb.length; i++) {
                    rgb[i] = addNoise(rgb[i], random.nextGaussian() * noise);
                }
            }
            return toImage(rgb);
        }

        /** The head's colour at normalised coordinates (dx, dy) inside its ellipse. */
        private static int face(double dx, double dy) {
            if (dy < -0.35 + 0.3 * dx * dx) {
                return HAIR;
            }
            for (double eyeX : new double[] {-0.36, 0.36}) {
                double ex = (dx - eyeX) / 0.13;
                double ey = dy / 0.05;
                if (ex * ex + ey * ey <= 1) {
                    return ex * ex + ey * ey <= 0.3 ? IRIS : SCLERA;
                }
            }
            double mx = dx / 0.25;
            double my = (dy - 0.5) / 0.04;
            if (mx * mx + my * my <= 1) {
                return LIPS;
            }
            // Darker towards the sides, so the face reads as round.
            return shade(SKIN, 1 - 0.2 * dx * dx);
        }

        /** Blurs in place: a horizontal then a vertical running mean over 2 × radius + 1 pixels. */
        private static void boxBlur(int[] rgb, int width, int height, int radius) {
            int[] tmp = new int[rgb.length];
            blurPass(rgb, tmp, width, height, radius, 1, width);
            blurPass(tmp, rgb, height, width, radius, width, 1);
        }

        /** One pass along lines of {@code length} pixels spaced {@code step} apart, lines {@code stride} apart. */
        private static void blurPass(int[] in, int[] out, int length, int lines, int radius, int step, int stride) {
            for (int line = 0; line < lines; line++) {
                int base = line * stride;
                for (int i = 0; i < length; i++) {
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    int n = 0;
                    for (int j = Math.max(0, i - radius); j <= Math.min(length - 1, i + radius); j++) {
                        int p = in[base + j * step];
                        r += red(p);
                        g += green(p);
                        b += blue(p);
                        n++;
                    }
                    out[base + i * step] = pack(r / n, g / n, b / n);
                }
            }
        }

        private static boolean inEllipse(double dx, double dy, double rx, double ry) {
            return (dx * dx) / (rx * rx) + (dy * dy) / (ry * ry) <= 1;
        }

        private static int shade(int rgb, double factor) {
            return pack((int) (red(rgb) * factor), (int) (green(rgb) * factor),
                    (int) (blue(rgb) * factor));
        }

        private static int addNoise(int rgb, double delta) {
            int d = (int) Math.round(delta);
            return pack(red(rgb) + d, green(rgb) + d, blue(rgb) + d);
        }

        private BufferedImage toImage(int[] rgb) {
            BufferedImage image = new BufferedImage(width, height,
                    grayscale ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            if (grayscale) {
                byte[] luma = new byte[rgb.length];
                for (int i = 0; i < rgb.length; i++) {
                    // ITU-R BT.601 luma, as JPEG's YCbCr uses
                    luma[i] = (byte) Math.round(0.299 * red(rgb[i]) + 0.587 * green(rgb[i])
                            + 0.114 * blue(rgb[i]));
                }
                image.getRaster().setDataElements(0, 0, width, height, luma);
            } else {
                image.setRGB(0, 0, width, height, rgb, 0, width);
            }
            return image;
        }

        private byte[] encodeJpeg(BufferedImage image) throws IOException {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            try {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                // ImageIO maps quality q/100 onto libjpeg's scaling of the Annex K tables, i.e. IJG quality q.
                param.setCompressionQuality(quality / 100f);
                if (progressive) {
                    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
                }
                IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
                setJfifDensity(metadata);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                    writer.setOutput(out);
                    writer.write(null, new IIOImage(image, null, metadata), param);
                }
                return bytes.toByteArray();
            } finally {
                writer.dispose();
            }
        }

        /**
         * ImageIO writes JFIF with units 0 (aspect ratio only) unless told otherwise; the density lives in
         * the app0JFIF node of the native JPEG metadata tree.
         */
        private void setJfifDensity(IIOMetadata metadata) throws IIOInvalidTreeException {
            String format = "javax_imageio_jpeg_image_1.0";
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
            IIOMetadataNode jfif = (IIOMetadataNode) root.getElementsByTagName("app0JFIF").item(0);
            Objects.requireNonNull(jfif, "ImageIO's default JPEG metadata has no JFIF node");
            jfif.setAttribute("resUnits", densityDpi > 0 ? "1" : "0");
            jfif.setAttribute("Xdensity", Integer.toString(densityDpi > 0 ? densityDpi : 1));
            jfif.setAttribute("Ydensity", Integer.toString(densityDpi > 0 ? densityDpi : 1));
            metadata.setFromTree(format, root);
        }
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }

    /** Packs 0xRRGGBB, clamping each component to 0..255 (noise and shading may overshoot). */
    private static int pack(int red, int green, int blue) {
        return (clamp(red) << 16) | (clamp(green) << 8) | clamp(blue);
    }

    private static int clamp(int component) {
        return Math.max(0, Math.min(255, component));
    }
}
