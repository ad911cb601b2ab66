package dev.codebound.server.upload;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An upload's id: 128 random bits, base64url without padding (22 characters). Ids come back from
 * clients in URLs and become directory names, so every id from outside goes through
 * {@link #parse}, which accepts exactly the form {@link #random} produces: nothing that could name
 * another path ({@code ..}, {@code /}, {@code %2e}) can get through.
 *
 * @param value the 22-character text form
 */
public record UploadId(String value) {
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public UploadId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("not an upload id");
        }
    }

    /** A fresh unguessable id. */
    public static UploadId random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return new UploadId(Base64.getUrlEncoder().withoutPadding().encodeToString(bits));
    }

    /** The id in {@code text}, or empty when it is not exactly an id's form. */
    public static Optional<UploadId> parse(String text) {
        return text != null && FORM.matcher(text).matches() ? Optional.of(new UploadId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
