package dev.codebound.protocol.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.codebound.protocol.code.CodeException;
import dev.codebound.protocol.code.CodeIssuer;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.CollectionCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.code.VerifiedCode;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetStringParser;
import org.bouncycastle.asn1.ASN1SequenceParser;
import org.bouncycastle.asn1.ASN1StreamParser;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.cms.AuthEnvelopedDataParser;
import org.bouncycastle.asn1.cms.ContentInfoParser;
import org.bouncycastle.cms.CMSSignedData;

/**
 * Writes the envelope test vectors of one suite: fixed keys and certificates (valid 2025 to 2125),
 * good envelopes and one bad envelope per failure, and {@code manifest.json} naming the expected
 * outcome of each. {@link EnvelopeVectorsTest} opens them all. Keys are fresh on every run, so
 * rerunning rewrites every file; commit them together. Rerun from the repository root with (the
 * second argument is the suite id, 1 if absent):
 *
 * <pre>
 * mvn -B -ntp -q -pl testkit,protocol test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.codebound.protocol.envelope.EnvelopeVectorGenerator \
 *     -Dexec.args=protocol/src/test/resources/vectors/envelope
 * mvn -B -ntp -q -pl testkit,protocol test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.codebound.protocol.envelope.EnvelopeVectorGenerator \
 *     -Dexec.args="protocol/src/test/resources/vectors/envelope-suite2 2"
 * </pre>
 *
 * <p>A third argument {@code 2} writes format 2 vectors (a code proof in the binding) instead, with
 * their own cases and the codes' texts and keys in the manifest:
 *
 * <pre>
 * ... -Dexec.args="protocol/src/test/resources/vectors/envelope-format2 1 2"
 * ... -Dexec.args="protocol/src/test/resources/vectors/envelope-format2-suite2 2 2"
 * </pre>
 *
 * <p>In suite 2 the station and registry encryption keys are SM2 keys certified by the (P-256)
 * registry CA; the collection codes are suite 1 codes in both.
 */
public final class EnvelopeVectorGenerator {
    /** When every vector photo was taken. */
    static final Instant CAPTURE_TIME = Instant.parse("2026-06-15T09:30:00Z");
    /** The verifier clock the vectors are judged at. */
    static final Instant VERIFIER_TIME = Instant.parse("2026-06-15T09:35:00Z");
    static final String REGISTRY_NAME = "Codebound test vectors";
    static final String STATION_ID = "station-vectors-01";
    private static final Instant KEYS_FROM = Instant.parse("2025-01-01T01:00:00Z");
    private static final Instant KEYS_UNTIL = Instant.parse("2125-01-01T00:00:00Z");

    private final Path directory;
    private final Suite suite;
    private final int formatVersion;
    private final RegistryKeyring registry = RegistryKeyring.generate(REGISTRY_NAME, KEYS_FROM,
            Duration.between(KEYS_FROM, KEYS_UNTIL));
    private final RegistryKeyring otherRegistry = RegistryKeyring.generate("Some other registry", KEYS_FROM,
            Duration.between(KEYS_FROM, KEYS_UNTIL));
    private final StationCredentials station;
    private final RegistryKeyring.KeyedCertificate encryption;
    private final X509Certificate otherRegistryEncryption;
    private final List<Map<String, Object>> vectors = new ArrayList<>();
    private final List<Map<String, Object>> codes = new ArrayList<>();

    private EnvelopeVectorGenerator(Path directory, Suite suite, int formatVersion) {
        this.directory = directory;
        this.suite = suite;
        this.formatVersion = formatVersion;
        Instant stationFrom = KEYS_FROM.minusSeconds(3600);
        if (suite == Suite.SM2_SM4GCM_SM3) {
            station = EnvelopeFixture.sm2Station(registry, STATION_ID, stationFrom, KEYS_UNTIL);
            encryption = EnvelopeFixture.sm2Key(registry, REGISTRY_NAME + " SM2 encryption",
                    CertificateProfile.REGISTRY_KEY_TRANSPORT, KEYS_FROM, KEYS_UNTIL);
            otherRegistryEncryption = EnvelopeFixture.sm2Key(otherRegistry, "Some other registry SM2 encryption",
                    CertificateProfile.REGISTRY_KEY_TRANSPORT, KEYS_FROM, KEYS_UNTIL).certificate();
        } else {
            station = registry.issueStation(STATION_ID, stationFrom, KEYS_UNTIL);
            encryption = registry.encryption();
            otherRegistryEncryption = otherRegistry.encryption().certificate();
        }
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args.length > 0 ? args[0] : "protocol/src/test/resources/vectors/envelope");
        Suite suite = Suite.byId(args.length > 1 ? Integer.parseInt(args[1]) : Suite.P256_AES256GCM_SHA256.id());
        int formatVersion = args.length > 2 ? Integer.parseInt(args[2]) : Binding.FORMAT_VERSION_CODE_TEXT;
        Files.createDirectories(directory);
        EnvelopeVectorGenerator generator = new EnvelopeVectorGenerator(directory, suite, formatVersion);
        if (formatVersion == Binding.FORMAT_VERSION_CODE_PROOF) {
            generator.generateFormat2();
        } else {
            generator.generate();
        }
        System.out.println("wrote suite " + suite + " format " + formatVersion + " envelope test vectors to "
                + directory.toAbsolutePath());
    }

    /** The trust bundle the vectors are verified against, rebuilt from the certificate files. */
    static TrustBundle bundle(Path directory) throws IOException {
        return new TrustBundle(REGISTRY_NAME, 1, KEYS_FROM, cert(directory, "registry-ca.cert.pem"),
                List.of(cert(directory, "code-signing.cert.pem")), List.of(cert(directory, "encryption.cert.pem")),
                List.of(), java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
    }

    /**
     * The code keys of the codes a format 2 set's manifest lists (none for format 1), each derived from
     * the listed text and checked against the listed key.
     */
    static CodeProofKeys codeKeys(Path directory) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(directory.resolve("manifest.json").toFile());
        Map<String, CodeProofKey> keys = new HashMap<>();
        for (JsonNode code : manifest.path("codes")) {
            try {
                Suite suite = Suite.byId(manifest.path("suite").asInt(Suite.P256_AES256GCM_SHA256.id()));
                byte[] key = CodeProof.codeKey(suite, CollectionCode.decode(code.get("text").asText()));
                if (!HexFormat.of().formatHex(key).equals(code.get("codeKey").asText())) {
                    throw new IOException(directory + ": the listed key of code " + code.get("codeId").asText()
                            + " is not the one its text gives");
                }
                keys.put(code.get("codeId").asText(), new CodeProofKey(key, Instant.parse(code.get("notBefore").asText()),
                        Instant.parse(code.get("notAfter").asText())));
            } catch (CodeException | EnvelopeException e) {
                throw new IOException(directory + ": a code in the manifest is not valid", e);
            }
        }
        return (codeId, suite) -> Optional.ofNullable(keys.get(codeId));
    }

    static RegistryKeyring.KeyedCertificate encryptionKey(Path directory) throws IOException {
        return new RegistryKeyring.KeyedCertificate(
                PemFiles.readPrivateKey(directory.resolve("encryption.key.pem"), null),
                cert(directory, "encryption.cert.pem"));
    }

    private static X509Certificate cert(Path directory, String name) throws IOException {
        return PemFiles.readCertificates(directory.resolve(name)).get(0);
    }

    private void writeKeys() throws IOException {
        PemFiles.writeCertificates(directory.resolve("registry-ca.cert.pem"), List.of(registry.authority().certificate()));
        PemFiles.writeCertificates(directory.resolve("code-signing.cert.pem"), List.of(registry.codeSigning().certificate()));
        PemFiles.writeCertificates(directory.resolve("encryption.cert.pem"), List.of(encryption.certificate()));
        PemFiles.writePrivateKey(directory.resolve("encryption.key.pem"), encryption.privateKey(), null);
        PemFiles.writeCertificates(directory.resolve("station.cert.pem"), List.of(station.certificate()));
        PemFiles.writePrivateKey(directory.resolve("station.key.pem"), station.privateKey(), null);
    }

    private void generate() throws Exception {
        writeKeys();
        byte[] photo = EnvelopeFixture.photo(2048);
        byte[] otherPhoto = EnvelopeFixture.photo(3000);
        Files.write(directory.resolve("photo.jpg"), photo);
        VerifiedCode code = code("S2027001", CAPTURE_TIME.minus(Duration.ofDays(14)), CAPTURE_TIME.plus(Duration.ofDays(30)));
        VerifiedCode otherCode = code("S2027002", CAPTURE_TIME.minus(Duration.ofDays(14)),
                CAPTURE_TIME.plus(Duration.ofDays(30)));
        VerifiedCode expiredCode = code("S2027003", CAPTURE_TIME.minus(Duration.ofDays(60)),
                CAPTURE_TIME.minus(Duration.ofDays(30)));
        int id = suite.id();
        Binding binding = binding(id, code, photo);
        X509Certificate encryption = this.encryption.certificate();

        byte[] good = envelope(binding, binding, photo, encryption);
        accept("good.cms", good, "a valid envelope of photo.jpg");
        accept("good-empty-photo.cms", envelope(binding(id, code, new byte[0]), binding(id, code, new byte[0]),
                new byte[0], encryption), "a valid envelope of an empty photo");
        Files.write(directory.resolve("good.binding.der"), binding.toDer());

        reject("tampered-signature.cms", flipInside(good, signature(good)), "BAD_SIGNATURE",
                "one bit of the station's " + signatureName() + " signature flipped");
        reject("tampered-ciphertext.cms", flipInside(good, firstCiphertextBytes(good)), "BAD_SIGNATURE",
                "one bit of the " + cipherName() + " ciphertext flipped (the signature covers it)");
        byte[] inner = innerContentInfo(good);
        byte[] tamperedInner = flipInside(inner, firstCiphertextBytes(good));
        reject("tampered-ciphertext-resigned.cms", sign(binding, tamperedInner), "DECRYPTION_FAILED",
                "one bit of the ciphertext flipped, then re-signed with the station key: the GCM tag fails");
        reject("truncated.cms", Arrays.copyOf(good, good.length / 2), "TRUNCATED", "the first half of good.cms");
        reject("wrong-recipient.cms", envelope(binding, binding, photo, otherRegistryEncryption),
                "WRONG_RECIPIENT", "encrypted to another registry's encryption key");
        Binding expired = binding(id, expiredCode, photo);
        reject("expired-code.cms", envelope(expired, expired, photo, encryption), "CODE_INVALID",
                "the collection code expired 30 days before the capture time (code reason EXPIRED)");
        Binding swapped = binding(id, otherCode, photo);
        reject("swapped-binding.cms", envelope(swapped, binding, photo, encryption), "BINDING_MISMATCH",
                "the photo sealed for one code, signed with a binding naming another code");
        Binding otherPhotoBinding = binding(id, code, otherPhoto);
        reject("wrong-photo.cms", envelope(otherPhotoBinding, otherPhotoBinding, photo, encryption), "BINDING_MISMATCH",
                "both bindings state a different photo digest and length than the encrypted photo");
        Binding unknownSuite = binding(99, code, photo);
        reject("unknown-suite.cms", envelope(unknownSuite, unknownSuite, photo, encryption), "UNSUPPORTED_SUITE",
                "both bindings name suite 99");
        if (suite != Suite.P256_AES256GCM_SHA256) {
            // A newer suite's envelope must not pass as suite 1's (suite 1's vectors predate any other suite).
            Binding claimsSuite1 = binding(Suite.P256_AES256GCM_SHA256.id(), code, photo);
            reject("binding-names-suite-1.cms", envelope(claimsSuite1, claimsSuite1, photo, encryption),
                    "UNSUPPORTED_SUITE", "sealed and signed with suite " + suite + ", both bindings claim suite 1");
        }
        reject("not-cms.cms", EnvelopeFixture.utf8("GIF89a this is not an envelope"), "MALFORMED", "not CMS at all");

        writeManifest(suite == Suite.P256_AES256GCM_SHA256
                ? "Codebound envelope test vectors; regenerate with EnvelopeVectorGenerator"
                : "Codebound envelope test vectors of suite " + suite + "; regenerate with EnvelopeVectorGenerator");
    }

    /**
     * Format 2 vectors: good envelopes, and bad code proofs (wrong, lifted onto another photo, made
     * for another station or capture time, all zeros), a code the keys do not know, and a code that
     * expired by its record. The manifest lists each known code with its text, validity and key.
     */
    private void generateFormat2() throws Exception {
        writeKeys();
        byte[] photo = EnvelopeFixture.photo(2048);
        byte[] otherPhoto = EnvelopeFixture.photo(3000);
        Files.write(directory.resolve("photo.jpg"), photo);
        VerifiedCode code = code("S2027001", CAPTURE_TIME.minus(Duration.ofDays(14)), CAPTURE_TIME.plus(Duration.ofDays(30)));
        VerifiedCode expiredCode = code("S2027003", CAPTURE_TIME.minus(Duration.ofDays(60)),
                CAPTURE_TIME.minus(Duration.ofDays(30)));
        VerifiedCode unknownCode = code("S2027004", CAPTURE_TIME.minus(Duration.ofDays(14)),
                CAPTURE_TIME.plus(Duration.ofDays(30)));
        listCode(code);
        listCode(expiredCode);
        X509Certificate encryption = this.encryption.certificate();

        Binding binding = proven(code, photo, STATION_ID, CAPTURE_TIME);
        byte[] good = envelope(binding, binding, photo, encryption);
        accept("good.cms", good, "a valid format 2 envelope of photo.jpg");
        Binding empty = proven(code, new byte[0], STATION_ID, CAPTURE_TIME);
        accept("good-empty-photo.cms", envelope(empty, empty, new byte[0], encryption),
                "a valid format 2 envelope of an empty photo");
        Files.write(directory.resolve("good.binding.der"), binding.toDer());

        byte[] wrong = binding.codeProof();
        wrong[wrong.length / 2] ^= 1;
        rejectBinding("wrong-proof.cms", binding.withProof(wrong), photo, "CODE_PROOF_INVALID",
                "one bit of the code proof flipped, then signed by the station");
        Binding lifted = proven(code, otherPhoto, STATION_ID, CAPTURE_TIME).withProof(binding.codeProof());
        rejectBinding("proof-for-other-photo.cms", lifted, otherPhoto, "CODE_PROOF_INVALID",
                "the proof of good.cms carried by an envelope of another photo");
        Binding otherStation = proven(code, photo, "station-vectors-99", CAPTURE_TIME);
        rejectBinding("proof-for-other-station.cms", binding.withProof(otherStation.codeProof()), photo,
                "CODE_PROOF_INVALID", "a proof made for station-vectors-99, in this station's envelope");
        Binding otherTime = proven(code, photo, STATION_ID, CAPTURE_TIME.minusSeconds(60));
        rejectBinding("proof-for-other-time.cms", binding.withProof(otherTime.codeProof()), photo,
                "CODE_PROOF_INVALID", "a proof made for a capture time one minute earlier");
        rejectBinding("zero-proof.cms", binding.withProof(new byte[CodeProof.LENGTH]), photo, "CODE_PROOF_INVALID",
                "a code proof of 32 zero bytes");
        rejectBinding("unknown-code.cms", proven(unknownCode, photo, STATION_ID, CAPTURE_TIME), photo,
                "CODE_PROOF_KEY_UNKNOWN", "a valid proof for a code the manifest's codes do not list");
        rejectBinding("expired-code.cms", proven(expiredCode, photo, STATION_ID, CAPTURE_TIME), photo, "CODE_INVALID",
                "a valid proof for a code that expired 30 days before the capture time (code reason EXPIRED)");
        reject("tampered-signature.cms", flipInside(good, signature(good)), "BAD_SIGNATURE",
                "one bit of the station's " + signatureName() + " signature flipped");
        writeManifest("Codebound format 2 envelope test vectors of suite " + suite
                + "; regenerate with EnvelopeVectorGenerator");
    }

    /** A format 2 binding with the proof of {@code code}'s key for this photo, station and time. */
    private Binding proven(VerifiedCode code, byte[] photo, String stationId, Instant captureTime)
            throws EnvelopeException {
        Binding unproven = Binding.withCodeProof(suite.id(), code.codeId(), new byte[CodeProof.LENGTH],
                suite.photoDigest().digest(photo), photo.length, CaptureMetadata.JPEG, stationId, captureTime);
        return unproven.withProof(CodeProof.compute(CodeProof.codeKey(suite, code.code()), unproven));
    }

    private void listCode(VerifiedCode code) {
        Map<String, Object> listed = new LinkedHashMap<>();
        listed.put("codeId", code.codeId());
        listed.put("text", code.text());
        listed.put("notBefore", code.notBefore().toString());
        listed.put("notAfter", code.notAfter().toString());
        listed.put("codeKey", HexFormat.of().formatHex(CodeProof.codeKey(suite, code.code())));
        codes.add(listed);
    }

    private void rejectBinding(String file, Binding binding, byte[] photo, String reason, String description)
            throws IOException {
        reject(file, envelope(binding, binding, photo, encryption.certificate()), reason, description);
    }

    private void writeManifest(String description) throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("description", description);
        if (suite != Suite.P256_AES256GCM_SHA256) {
            manifest.put("suite", suite.id());
        }
        if (formatVersion != Binding.FORMAT_VERSION_CODE_TEXT) {
            manifest.put("formatVersion", formatVersion);
            manifest.put("codes", codes);
        }
        manifest.put("captureTime", CAPTURE_TIME.toString());
        manifest.put("verifierTime", VERIFIER_TIME.toString());
        manifest.put("trust", Map.of("registryCa", "registry-ca.cert.pem", "codeSigning", "code-signing.cert.pem",
                "encryptionCertificate", "encryption.cert.pem", "encryptionKey", "encryption.key.pem",
                "station", "station.cert.pem"));
        manifest.put("vectors", vectors);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(directory.resolve("manifest.json").toFile(), manifest);
    }

    private VerifiedCode code(String studentNumber, Instant notBefore, Instant notAfter) throws Exception {
        CodeIssuer issuer = new CodeIssuer(registry.codeSigning(), registry.encryption().certificate());
        String text = issuer.issue(new StudentIdentity(studentNumber, "张三", "11010519491231002X"), 10337, 2027,
                notBefore, notAfter).text();
        TrustBundle bundle = registry.trustBundle(1, KEYS_FROM);
        return new CodeVerifier(bundle).verify(text, notBefore);
    }

    /** A binding naming {@code suiteId}, with the photo digest of the suite being generated. */
    private Binding binding(int suiteId, VerifiedCode code, byte[] photo) {
        return Binding.withCodeText(suiteId, code.codeId(), code.text(), suite.photoDigest().digest(photo),
                photo.length, CaptureMetadata.JPEG, STATION_ID, CAPTURE_TIME);
    }

    /** An envelope with the given binding in each layer, built from the same parts the sealer uses. */
    private byte[] envelope(Binding signed, Binding encrypted, byte[] photo, X509Certificate recipient)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream signedLayer = SignedLayer.open(out, suite, station, signed.toDer());
                OutputStream encryptedLayer = EncryptedLayer.open(signedLayer, suite, recipient)) {
            InnerContent.writeHeader(encryptedLayer, encrypted.toDer());
            encryptedLayer.write(photo);
        }
        return out.toByteArray();
    }

    private byte[] sign(Binding binding, byte[] innerContentInfo) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream signedLayer = SignedLayer.open(out, suite, station, binding.toDer())) {
            signedLayer.write(innerContentInfo);
        }
        return out.toByteArray();
    }

    private String signatureName() {
        return suite == Suite.P256_AES256GCM_SHA256 ? "ECDSA" : "SM2";
    }

    private String cipherName() {
        return suite == Suite.P256_AES256GCM_SHA256 ? "AES-GCM" : "SM4-GCM";
    }

    private static byte[] innerContentInfo(byte[] envelope) throws Exception {
        return (byte[]) new CMSSignedData(envelope).getSignedContent().getContent();
    }

    private static byte[] signature(byte[] envelope) throws Exception {
        return new CMSSignedData(envelope).getSignerInfos().getSigners().iterator().next().getSignature();
    }

    private static byte[] firstCiphertextBytes(byte[] envelope) throws Exception {
        ContentInfoParser contentInfo = new ContentInfoParser((ASN1SequenceParser) new ASN1StreamParser(
                new ByteArrayInputStream(innerContentInfo(envelope))).readObject());
        AuthEnvelopedDataParser data = new AuthEnvelopedDataParser(
                (ASN1SequenceParser) contentInfo.getContent(BERTags.SEQUENCE));
        data.getRecipientInfos().toASN1Primitive();
        var content = data.getAuthEncryptedContentInfo();
        byte[] ciphertext = ((ASN1OctetStringParser) content.getEncryptedContent(BERTags.OCTET_STRING))
                .getOctetStream().readAllBytes();
        return Arrays.copyOf(ciphertext, 24);
    }

    /** Flips the low bit of the middle byte of {@code needle}, found in {@code haystack}. */
    static byte[] flipInside(byte[] haystack, byte[] needle) {
        int at = indexOf(haystack, needle);
        if (at < 0) {
            throw new IllegalStateException("cannot locate the bytes to tamper with");
        }
        byte[] copy = haystack.clone();
        copy[at + needle.length / 2] ^= 1;
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void accept(String file, byte[] envelope, String description) throws IOException {
        Files.write(directory.resolve(file), envelope);
        Map<String, Object> vector = new LinkedHashMap<>();
        vector.put("file", file);
        vector.put("expect", "accept");
        vector.put("description", description);
        vector.put("sha256", sha256Hex(envelope));
        vectors.add(vector);
    }

    private void reject(String file, byte[] envelope, String reason, String description) throws IOException {
        Files.write(directory.resolve(file), envelope);
        Map<String, Object> vector = new LinkedHashMap<>();
        vector.put("file", file);
        vector.put("expect", "reject");
        vector.put("reason", reason);
        if (file.equals("expired-code.cms")) {
            vector.put("codeReason", "EXPIRED");
        }
        vector.put("description", description);
        vector.put("sha256", sha256Hex(envelope));
        vectors.add(vector);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
