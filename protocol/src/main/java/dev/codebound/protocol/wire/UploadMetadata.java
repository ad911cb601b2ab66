package dev.codebound.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tus {@code Upload-Metadata} header: comma-separated pairs of a key and a base64 value,
 * separated by one space; a key may stand alone (empty value). Keys are ASCII without spaces or
 * commas and must be unique. Values here are UTF-8 text.
 */
public final class UploadMetadata {
    /** Limits that keep a hostile header from costing memory: at most this many pairs... */
    public static final int MAX_PAIRS = 32;
    /** ...and at most this many characters in the whole header. */
    public static final int MAX_HEADER_LENGTH = 4096;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._~!#$&'*+^`|-]{1,64}");

    private final Map<String, String> values;

    private UploadMetadata(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** An empty metadata set. */
    public static UploadMetadata empty() {
        return new UploadMetadata(new LinkedHashMap<>());
    }

    /** A copy with one more pair; fails on an invalid or repeated key. */
    public UploadMetadata with(String key, String value) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid Upload-Metadata key '" + key + "'");
        }
        if (values.containsKey(key)) {
            throw new IllegalArgumentException("Upload-Metadata key '" + key + "' given twice");
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new UploadMetadata(copy);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Map<String, String> asMap() {
        return values;
    }

    /** The header value. */
    public String encode() {
        StringBuilder header = new StringBuilder();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (header.length() > 0) {
                header.append(',');
            }
            header.append(entry.getKey());
            if (!entry.getValue().isEmpty()) {
                header.append(' ').append(Base64.getEncoder()
                        .encodeToString(entry.getValue().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return header.toString();
    }

    /** Parses a header value, rejecting anything the tus specification does not allow. */
    public static UploadMetadata parse(String header) throws WireFormatException {
        if (header == null || header.isEmpty()) {
            return empty();
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw new WireFormatException("Upload-Metadata is " + header.length() + " characters long; the limit is "
                    + MAX_HEADER_LENGTH);
        }
        String[] pairs = header.split(",", -1);
        if (pairs.length > MAX_PAIRS) {
            throw new WireFormatException("Upload-Metadata has " + pairs.length + " pairs; the limit is " + MAX_PAIRS);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i].strip();
            String[] parts = pair.split(" ", -1);
            if (parts.length > 2 || parts[0].isEmpty()) {
                throw new WireFormatException("Upload-Metadata pair " + (i + 1) + " must be 'key' or 'key base64value'");
            }
            String key = parts[0];
            if (!KEY.matcher(key).matches()) {
                throw new WireFormatException("Upload-Metadata pair " + (i + 1) + " has an invalid key");
            }
            if (values.containsKey(key)) {
                throw new WireFormatException("Upload-Metadata key '" + key + "' appears twice");
            }
            values.put(key, parts.length == 2 ? decode(key, parts[1]) : "");
        }
        return new UploadMetadata(values);
    }

    private static String decode(String key, String base64) throws WireFormatException {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
            String value = decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new WireFormatException("Upload-Metadata value of '" + key + "' contains a control character");
                }
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("Upload-Metadata value of '" + key + "' is not valid base64");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new WireFormatException("Upload-Metadata value of '" + key + "' is not UTF-8 text");
        }
    }

    @Override
    public String toString() {
        return "UploadMetadata" + values.keySet();
    }
}
