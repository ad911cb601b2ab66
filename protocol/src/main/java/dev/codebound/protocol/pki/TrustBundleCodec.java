package dev.codebound.protocol.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The signed JSON form of a {@link TrustBundle}.
 *
 * <pre>
 * {"format":"codebound-trust-bundle/1","payload":"&lt;base64url JSON&gt;","signature":"&lt;base64url r||s&gt;"}
 * </pre>
 *
 * The signature (ECDSA P-256/SHA-256, P1363) is by the registry CA over the ASCII bytes
 * {@code "codebound trust bundle v1\n"} followed by the decoded payload bytes, so the signed
 * bytes are exactly what was sent and no JSON canonicalisation is needed.
 */
public final class TrustBundleCodec {
    /** The value of the outer {@code format} member. */
    public static final String FORMAT = "codebound-trust-bundle/1";

    private static final byte[] DOMAIN = "codebound trust bundle v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrustBundleCodec() {}

    /** Serialises and signs a bundle with the registry CA's private key. */
    public static byte[] sign(TrustBundle bundle, PrivateKey registryCaKey) {
        Signatures.requireMatchingPair(registryCaKey, bundle.registryCa().getPublicKey(), "registry CA");
        byte[] payload = payload(bundle);
        ObjectNode outer = JSON.createObjectNode();
        outer.put("format", FORMAT);
        outer.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(payload));
        outer.put("signature", Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Signatures.sign(registryCaKey, signedBytes(payload))));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(outer);
        } catch (IOException e) {
            throw new PkiException("cannot encode trust bundle", e);
        }
    }

    /**
     * Parses and verifies a signed bundle against a CA the caller already trusts (pinned at
     * enrollment). Fails if the bundle names another CA, the signature does not verify, or any
     * certificate in it was not issued by that CA.
     */
    public static TrustBundle verify(byte[] signed, X509Certificate pinnedRegistryCa, String source) {
        TrustBundle bundle = verifyWithEmbeddedCa(signed, source);
        if (!bundle.registryCa().equals(pinnedRegistryCa)) {
            throw new PkiException(source + ": the trust bundle names registry CA "
                    + Certificates.fingerprint(bundle.registryCa()) + ", but this station trusts "
                    + Certificates.fingerprint(pinnedRegistryCa));
        }
        return bundle;
    }

    /**
     * Parses a bundle and verifies it against the CA certificate it carries. Only for first
     * contact, when the CA is not yet pinned: the caller must authenticate the source some other
     * way (TLS to the registry, or comparing the CA fingerprint out of band).
     */
    public static TrustBundle verifyWithEmbeddedCa(byte[] signed, String source) {
        JsonNode outer = parse(signed, source);
        if (!FORMAT.equals(text(outer, "format", source))) {
            throw new PkiException(source + ": unsupported trust bundle format '" + outer.path("format").asText()
                    + "', expected " + FORMAT);
        }
        byte[] payload = base64(text(outer, "payload", source), "payload", source);
        byte[] signature = base64(text(outer, "signature", source), "signature", source);
        TrustBundle bundle = fromPayload(parse(payload, source + " payload"), source);
        if (!Signatures.verify(bundle.registryCa().getPublicKey(), signedBytes(payload), signature)) {
            throw new PkiException(source + ": the trust bundle's signature does not verify with its registry CA");
        }
        for (List<X509Certificate> group : List.of(bundle.codeSigning(), bundle.encryption(),
                bundle.receiptSigning())) {
            for (X509Certificate certificate : group) {
                if (!certificate.getIssuerX500Principal().equals(bundle.registryCa().getSubjectX500Principal())) {
                    throw new PkiException(source + ": certificate " + certificate.getSubjectX500Principal()
                            + " in the trust bundle was not issued by its registry CA");
                }
                try {
                    certificate.verify(bundle.registryCa().getPublicKey(), Providers.ellipticCurve());
                } catch (java.security.GeneralSecurityException e) {
                    throw new PkiException(source + ": certificate " + certificate.getSubjectX500Principal()
                            + " in the trust bundle does not carry a valid registry CA signature");
                }
            }
        }
        return bundle;
    }

    private static byte[] payload(TrustBundle bundle) {
        ObjectNode node = JSON.createObjectNode();
        node.put("registry", bundle.registryName());
        node.put("sequence", bundle.sequence());
        node.put("issuedAt", bundle.issuedAt().toString());
        node.put("registryCa", PemFiles.certificatesToPem(List.of(bundle.registryCa())));
        putCertificates(node.putArray("codeSigning"), bundle.codeSigning());
        putCertificates(node.putArray("encryption"), bundle.encryption());
        putCertificates(node.putArray("receiptSigning"), bundle.receiptSigning());
        putSorted(node.putArray("revokedKeyIds"), bundle.revokedKeyIds());
        putSorted(node.putArray("revokedCodeIds"), bundle.revokedCodeIds());
        putSorted(node.putArray("revokedStationSerials"), bundle.revokedStationSerials());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new PkiException("cannot encode trust bundle", e);
        }
    }

    private static TrustBundle fromPayload(JsonNode node, String source) {
        try {
            return new TrustBundle(
                    text(node, "registry", source),
                    sequence(node, source),
                    Instant.parse(text(node, "issuedAt", source)),
                    PemFiles.certificatesFromPem(text(node, "registryCa", source), source + " registryCa").get(0),
                    certificates(node, "codeSigning", source),
                    certificates(node, "encryption", source),
                    certificates(node, "receiptSigning", source),
                    strings(node, "revokedKeyIds"),
                    strings(node, "revokedCodeIds"),
                    strings(node, "revokedStationSerials"));
        } catch (DateTimeParseException e) {
            throw new PkiException(source + ": issuedAt is not an ISO-8601 instant", e);
        }
    }

    private static long sequence(JsonNode node, String source) {
        JsonNode value = node.get("sequence");
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new PkiException(source + ": 'sequence' must be a non-negative integer");
        }
        return value.asLong();
    }

    private static void putCertificates(ArrayNode array, List<X509Certificate> certificates) {
        for (X509Certificate certificate : certificates) {
            array.add(PemFiles.certificatesToPem(List.of(certificate)));
        }
    }

    private static void putSorted(ArrayNode array, Set<String> values) {
        new TreeSet<>(values).forEach(array::add);
    }

    private static List<X509Certificate> certificates(JsonNode node, String field, String source) {
        List<X509Certificate> result = new ArrayList<>();
        for (JsonNode element : node.path(field)) {
            result.addAll(PemFiles.certificatesFromPem(element.asText(), source + " " + field));
        }
        return result;
    }

    private static Set<String> strings(JsonNode node, String field) {
        Set<String> result = new TreeSet<>();
        node.path(field).forEach(element -> result.add(element.asText()));
        return result;
    }

    private static byte[] signedBytes(byte[] payload) {
        byte[] result = new byte[DOMAIN.length + payload.length];
        System.arraycopy(DOMAIN, 0, result, 0, DOMAIN.length);
        System.arraycopy(payload, 0, result, DOMAIN.length, payload.length);
        return result;
    }

    private static JsonNode parse(byte[] json, String source) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new PkiException(source + ": a trust bundle must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new PkiException(source + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new PkiException(source + ": missing text member '" + field + "'");
        }
        return value.asText();
    }

    private static byte[] base64(String value, String field, String source) {
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new PkiException(source + ": member '" + field + "' is not base64url", e);
        }
    }
}
