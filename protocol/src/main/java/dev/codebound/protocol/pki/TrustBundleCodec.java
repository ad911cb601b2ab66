package dev.codebound.protocol.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The signed JSON form of a {@link TrustBundle}: a {@link SignedJson} document of format
 * {@value #FORMAT}, signed by the registry CA.
 */
public final class TrustBundleCodec {
    /** The value of the outer {@code format} member. */
    public static final String FORMAT = "codebound-trust-bundle/1";

    private static final ObjectMapper JSON = SignedJson.JSON;

    private TrustBundleCodec() {}

    /** Serialises and signs a bundle with the registry CA's private key. */
    public static byte[] sign(TrustBundle bundle, PrivateKey registryCaKey) {
        Signatures.requireMatchingPair(registryCaKey, bundle.registryCa().getPublicKey(), "registry CA");
        return SignedJson.sign(FORMAT, payload(bundle), registryCaKey);
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
        SignedJson document = SignedJson.parse(signed, FORMAT, source);
        TrustBundle bundle = fromPayload(document.payloadJson(source), source);
        if (!document.verifiedBy(bundle.registryCa().getPublicKey())) {
            throw new PkiException(source + ": the trust bundle's signature does not verify with its registry CA");
        }
        for (List<X509Certificate> group : List.of(bundle.codeSigning(), bundle.allEncryption(),
                bundle.receiptSigning())) {
            for (X509Certificate certificate : group) {
                if (!certificate.getIssuerX500Principal().equals(bundle.registryCa().getSubjectX500Principal())) {
                    throw new PkiException(source + ": certificate " + certificate.getSubjectX500Principal()
                            + " in the trust bundle was not issued by its registry CA");
                }
                if (!Certificates.isSignedBy(certificate, bundle.registryCa())) {
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
        // Suite 1's certificates stay in 'encryption', where stations that predate the suite list look.
        putCertificates(node.putArray("encryption"), bundle.encryption());
        putCertificates(node.putArray("receiptSigning"), bundle.receiptSigning());
        ArrayNode suites = node.putArray("suites");
        bundle.suites().forEach((id, certificates) -> {
            ObjectNode suite = suites.addObject();
            suite.put("id", id);
            putCertificates(suite.putArray("encryption"), certificates);
        });
        ArrayNode formats = node.putArray("envelopeFormats");
        bundle.envelopeFormats().forEach(formats::add);
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
                    SignedJson.text(node, "registry", source),
                    SignedJson.nonNegative(node, "sequence", source),
                    Instant.parse(SignedJson.text(node, "issuedAt", source)),
                    PemFiles.certificatesFromPem(SignedJson.text(node, "registryCa", source), source + " registryCa").get(0),
                    certificates(node, "codeSigning", source),
                    certificates(node, "receiptSigning", source),
                    strings(node, "revokedKeyIds"),
                    strings(node, "revokedCodeIds"),
                    strings(node, "revokedStationSerials"),
                    suites(node, source),
                    envelopeFormats(node, source));
        } catch (DateTimeParseException e) {
            throw new PkiException(source + ": issuedAt is not an ISO-8601 instant", e);
        }
    }

    /**
     * The accepted suites: the {@code suites} member, or, in a bundle from before suites were listed,
     * suite 1 with the {@code encryption} certificates. Where both are present they must agree on
     * suite 1, and each known suite's certificates must hold keys of that suite.
     */
    private static SortedMap<Integer, List<X509Certificate>> suites(JsonNode node, String source) {
        List<X509Certificate> legacy = certificates(node, "encryption", source);
        SortedMap<Integer, List<X509Certificate>> suites = new TreeMap<>();
        if (!node.has("suites")) {
            suites.put(TrustBundle.DEFAULT_SUITE, legacy);
            return suites;
        }
        JsonNode list = node.get("suites");
        if (!list.isArray() || list.isEmpty()) {
            throw new PkiException(source + ": 'suites' must be a non-empty array of {id, encryption}");
        }
        for (JsonNode suite : list) {
            JsonNode id = suite.path("id");
            if (!id.isIntegralNumber() || id.asInt() < 1 || id.asInt() > 255) {
                throw new PkiException(source + ": every entry of 'suites' needs an 'id' from 1 to 255");
            }
            List<X509Certificate> certificates = certificates(suite, "encryption", source + " suite " + id.asInt());
            if (suites.put(id.asInt(), certificates) != null) {
                throw new PkiException(source + ": suite " + id.asInt() + " is listed twice in 'suites'");
            }
            requireSuiteKeys(id.asInt(), certificates, source);
        }
        if (!legacy.equals(suites.getOrDefault(TrustBundle.DEFAULT_SUITE, List.of()))) {
            throw new PkiException(source + ": 'encryption' must list exactly suite 1's certificates from 'suites'");
        }
        return suites;
    }

    /**
     * The accepted envelope formats: the {@code envelopeFormats} member, or {@code [1]} in a bundle from
     * before format 2. Formats this software does not know are kept, never written.
     */
    private static SortedSet<Integer> envelopeFormats(JsonNode node, String source) {
        SortedSet<Integer> formats = new TreeSet<>();
        if (!node.has("envelopeFormats")) {
            formats.add(TrustBundle.DEFAULT_ENVELOPE_FORMAT);
            return formats;
        }
        JsonNode list = node.get("envelopeFormats");
        if (!list.isArray() || list.isEmpty()) {
            throw new PkiException(source + ": 'envelopeFormats' must be a non-empty array of format versions");
        }
        for (JsonNode format : list) {
            if (!format.isIntegralNumber() || !format.canConvertToInt() || format.asInt() < 1 || format.asInt() > 255) {
                throw new PkiException(source + ": every entry of 'envelopeFormats' must be a version from 1 to 255");
            }
            if (!formats.add(format.asInt())) {
                throw new PkiException(source + ": envelope format " + format.asInt() + " is listed twice");
            }
        }
        return formats;
    }

    /** Suites this software does not know are kept (the bundle still verifies) and never used. */
    private static void requireSuiteKeys(int suite, List<X509Certificate> certificates, String source) {
        for (X509Certificate certificate : certificates) {
            String role = source + ": suite " + suite + " encryption certificate "
                    + certificate.getSubjectX500Principal().getName() + ":";
            if (suite == 1) {
                KeyPairs.requireP256(certificate.getPublicKey(), role);
            } else if (suite == 2) {
                KeyPairs.requireSm2(certificate.getPublicKey(), role);
            }
        }
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
}
