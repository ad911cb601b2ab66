package dev.codebound.protocol.log;

import java.util.Locale;

/**
 * The origin line (and checkpoint key name) of a registry's transparency log, derived from the
 * registry name in its trust bundle, so that an auditor holding only the bundle knows which origin
 * to expect and a checkpoint from another log can never pass for this one.
 */
public final class LogOrigins {
    private LogOrigins() {}

    /**
     * {@code codebound.registry/<name>} with the name lower-cased and every run of characters other
     * than letters, digits, '.' and '-' replaced by '-' (an origin has no spaces or '+').
     */
    public static String forRegistry(String registryName) {
        String slug = registryName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.isEmpty()) {
            throw new IllegalArgumentException("registry name '" + registryName + "' yields no log origin");
        }
        return "codebound.registry/" + slug;
    }
}
