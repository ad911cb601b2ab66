package dev.codebound.server.adminui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The admin web page's files, read once from the jar's resources: the page, its script and its
 * style sheet. Nothing else is served, whatever name a request asks for.
 */
final class StaticAssets {
    /** The page served at {@code /admin/ui/}. */
    static final String PAGE = "index.html";

    /** One file and its media type. */
    record Asset(String contentType, byte[] content) {}

    private static final Map<String, String> TYPES = Map.of(
            PAGE, "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private final Map<String, Asset> assets;

    private StaticAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Reads every file; a missing one is a broken build, reported at start rather than on first use. */
    static StaticAssets load() {
        Map<String, Asset> loaded = new HashMap<>();
        TYPES.forEach((name, type) -> loaded.put(name, new Asset(type, read(name))));
        return new StaticAssets(Map.copyOf(loaded));
    }

    /** The file called {@code name}, if it is one of the page's. */
    Optional<Asset> find(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the admin web page's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin web page's " + name, e);
        }
    }
}
