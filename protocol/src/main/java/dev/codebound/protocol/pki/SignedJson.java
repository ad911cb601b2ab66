package dev.codebound.protocol.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;

/**
 * A signed JSON document: {@code {"format": F, "payload": base64url(P), "signature": base64url(S)}}
 * where S is a {@link CompactSignature} ({@code r || s}) over {@code "<F> signed\n" || P}: ECDSA
 * P-256/SHA-256 unless the format names another algorithm (receipts of suite 2 are SM2-signed). Signing
 * the transmitted payload bytes means no JSON canonicalisation is ever needed, and the format
 * string in the signed bytes keeps a signature for one kind of document from being replayed as
 * another. Trust bundles and receipts use it.
 */
public final class SignedJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String format;
    private final byte[] payload;
    private final byte[] signature;

    private SignedJson(String format, byte[] payload, byte[] signature) {
        this.format = format;
        this.payload = payload;
        this.signature = signature;
    }

    /** Signs {@code payload} as a document of {@code format} with ECDSA P-256 and returns the outer JSON bytes. */
    public static byte[] sign(String format, byte[] payload, PrivateKey key) {
        return sign(format, payload, key, CompactSignature.ECDSA_P256_SHA256);
    }

    /** Signs {@code payload} as a document of {@code format} with {@code algorithm}; returns the outer JSON bytes. */
    public static byte[] sign(String format, byte[] payload, PrivateKey key, CompactSignature algorithm) {
        ObjectNode outer = JSON.createObjectNode();
        outer.put("format", format);
        outer.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(payload));
        outer.put("signature", Base64.getUrlEncoder().withoutPadding()
                .encodeToString(algorithm.sign(key, signedBytes(format, payload))));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(outer);
        } catch (IOException e) {
            throw new PkiException("cannot encode " + format, e);
        }
    }

    /**
     * Parses the outer document, checking its format; the signature is not yet verified.
     *
     * @param source names the input in error messages (a file name or URL)
     */
    public static SignedJson parse(byte[] document, String expectedFormat, String source) {
        return parse(document, List.of(expectedFormat), source);
    }

    /**
     * Parses the outer document, checking that its format is one of {@code expectedFormats}; the
     * signature is not yet verified.
     */
    public static SignedJson parse(byte[] document, List<String> expectedFormats, String source) {
        JsonNode outer = readObject(document, source);
        String format = text(outer, "format", source);
        if (!expectedFormats.contains(format)) {
            throw new PkiException(source + ": unsupported format '" + format + "', expected "
                    + String.join(" or ", expectedFormats));
        }
        return new SignedJson(format, base64(text(outer, "payload", source), "payload", source),
                base64(text(outer, "signature", source), "signature", source));
    }

    /** Whether the ECDSA P-256 signature verifies with {@code key}. */
    public boolean verifiedBy(PublicKey key) {
        return verifiedBy(key, CompactSignature.ECDSA_P256_SHA256);
    }

    /** Whether the signature verifies with {@code key} under {@code algorithm}. */
    public boolean verifiedBy(PublicKey key, CompactSignature algorithm) {
        return algorithm.verify(key, signedBytes(format, payload), signature);
    }

    /** The outer {@code format} member. */
    public String format() {
        return format;
    }

    /** The payload parsed as a JSON object. Trust its content only after {@link #verifiedBy}. */
    public JsonNode payloadJson(String source) {
        return readObject(payload, source + " payload");
    }

    /** Reads a JSON object, with a specific message when the bytes are not one. */
    public static JsonNode readObject(byte[] json, String source) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new PkiException(source + ": expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new PkiException(source + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A required text member. */
    public static String text(JsonNode node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new PkiException(source + ": missing text member '" + field + "'");
        }
        return value.asText();
    }

    /** A required non-negative integer member. */
    public static long nonNegative(JsonNode node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new PkiException(source + ": '" + field + "' must be a non-negative integer");
        }
        return value.asLong();
    }

    private static byte[] signedBytes(String format, byte[] payload) {
        byte[] prefix = (format + " signed\n").getBytes(StandardCharsets.US_ASCII);
        byte[] result = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, result, 0, prefix.length);
        System.arraycopy(payload, 0, result, prefix.length, payload.length);
        return result;
    }

    private static byte[] base64(String value, String field, String source) {
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new PkiException(source + ": member '" + field + "' is not base64url", e);
        }
    }
}
