package dev.codebound.protocol.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.CheckpointException;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.NoteVerifier;
import dev.codebound.protocol.log.ProofException;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The signed JSON form of a {@link Receipt}, signed by the registry's receipt-signing key of the
 * envelope's suite and verified against a trust bundle (docs/protocol.md §5). Format {@value #FORMAT}
 * is a suite 1 receipt, signed with ECDSA P-256/SHA-256; format {@value #FORMAT_2} names its suite
 * in the payload ({@code suite}), which fixes the signature algorithm (2: SM2 with SM3). The
 * registry writes suite 1 receipts in format 1, so that verifiers predating format 2 still read them.
 */
public final class ReceiptCodec {
    /** The outer {@code format} member of a suite 1 receipt. */
    public static final String FORMAT = "codebound-receipt/1";
    /** The outer {@code format} member of a receipt that names its suite (every suite 2 receipt). */
    public static final String FORMAT_2 = "codebound-receipt/2";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReceiptCodec() {}

    /**
     * Signs a receipt with the algorithm of its suite; its {@code signingKeyId} must be the key's id
     * and the key must be of the receipt's suite (P-256 for suite 1, SM2 for suite 2).
     */
    public static byte[] sign(Receipt receipt, KeyedCertificate receiptKey) {
        String keyId = KeyPairs.keyIdHex(receiptKey.certificate().getPublicKey());
        if (!keyId.equals(receipt.signingKeyId())) {
            throw new IllegalArgumentException("receipt names signing key " + receipt.signingKeyId()
                    + " but is being signed with " + keyId);
        }
        CompactSignature algorithm = algorithm(receipt.suite());
        algorithm.requireKey(receiptKey.certificate().getPublicKey(), "suite " + receipt.suite() + " receipt-signing");
        String format = receipt.suite() == 1 ? FORMAT : FORMAT_2;
        return SignedJson.sign(format, payload(receipt, format), receiptKey.privateKey(), algorithm);
    }

    /** The signature algorithm of a suite's receipts. */
    private static CompactSignature algorithm(int suite) {
        return suite == 2 ? CompactSignature.SM2_SM3 : CompactSignature.ECDSA_P256_SHA256;
    }

    /**
     * Verifies a receipt: the signing key is a receipt-signing certificate of the bundle, issued by
     * its CA, valid when the receipt was issued and not revoked; the signature verifies.
     *
     * @throws PkiException naming the first check that failed
     */
    public static Receipt verify(byte[] signed, TrustBundle bundle, String source) {
        SignedJson document = SignedJson.parse(signed, List.of(FORMAT, FORMAT_2), source);
        Receipt receipt = fromPayload(document.payloadJson(source), document.format(), source);
        byte[] keyId = HexFormat.of().parseHex(receipt.signingKeyId());
        X509Certificate signer = bundle.receiptSigning().stream()
                .filter(certificate -> java.util.Arrays.equals(KeyPairs.keyId(certificate.getPublicKey()), keyId))
                .findFirst()
                .orElseThrow(() -> new PkiException(source + ": receipt signed by key " + receipt.signingKeyId()
                        + ", which is not a receipt-signing key of the trust bundle"));
        if (bundle.isKeyRevoked(keyId)) {
            throw new PkiException(source + ": receipt signing key " + receipt.signingKeyId() + " is revoked");
        }
        Certificates.requireIssuedBy(signer, bundle.registryCa(), receipt.acceptedAt());
        CompactSignature algorithm = algorithm(receipt.suite());
        try {
            algorithm.requireKey(signer.getPublicKey(), "suite " + receipt.suite() + " receipt-signing");
        } catch (PkiException e) {
            throw new PkiException(source + ": the receipt claims suite " + receipt.suite() + " but key "
                    + receipt.signingKeyId() + " is not a key of that suite (" + e.getMessage() + ")", e);
        }
        if (!document.verifiedBy(signer.getPublicKey(), algorithm)) {
            throw new PkiException(source + ": the receipt's signature does not verify: it was altered or forged");
        }
        return receipt;
    }

    private static byte[] payload(Receipt receipt, String format) {
        ObjectNode node = JSON.createObjectNode();
        node.put("registry", receipt.registry());
        if (format.equals(FORMAT_2)) {
            node.put("suite", receipt.suite());
        }
        node.put("envelopeSha256", receipt.envelopeSha256());
        node.put("envelopeLength", receipt.envelopeLength());
        node.put(format.equals(FORMAT_2) ? "photoDigest" : "photoSha256", receipt.photoSha256());
        node.put("codeId", receipt.codeId());
        node.put("stationId", receipt.stationId());
        node.put("captureTime", receipt.captureTime().toString());
        node.put("acceptedAt", receipt.acceptedAt().toString());
        node.put("photoVersion", receipt.photoVersion());
        node.put("signingKeyId", receipt.signingKeyId());
        receipt.log().ifPresent(log -> {
            ObjectNode logNode = node.putObject("log");
            logNode.put("leafIndex", log.leafIndex());
            logNode.put("treeSize", log.treeSize());
            ArrayNode proof = logNode.putArray("proof");
            log.proof().forEach(hash -> proof.add(Base64.getEncoder().encodeToString(hash)));
            logNode.put("checkpoint", log.checkpoint());
        });
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode receipt", e);
        }
    }

    private static int suite(JsonNode node, String source) {
        JsonNode suite = node.get("suite");
        if (suite == null || !suite.isIntegralNumber() || (suite.asInt() != 1 && suite.asInt() != 2)) {
            throw new PkiException(source + ": a " + FORMAT_2 + " receipt needs a 'suite' member, 1 or 2");
        }
        return suite.asInt();
    }

    private static LogInclusion logInclusion(JsonNode log, String source) {
        if (!log.isObject()) {
            throw new PkiException(source + ": 'log' must be an object");
        }
        List<byte[]> proof = new ArrayList<>();
        for (JsonNode hash : log.path("proof")) {
            byte[] bytes = Base64.getDecoder().decode(hash.asText());
            if (bytes.length != 32) {
                throw new PkiException(source + ": every log proof hash must be 32 bytes");
            }
            proof.add(bytes);
        }
        return new LogInclusion(SignedJson.nonNegative(log, "leafIndex", source),
                SignedJson.nonNegative(log, "treeSize", source), proof, SignedJson.text(log, "checkpoint", source));
    }

    /**
     * Verifies a receipt's transparency-log inclusion offline: the checkpoint is signed by the
     * receipt's own (already verified) signing key under the registry's log origin, describes the
     * proof's tree size, and the receipt's log entry is included in that tree.
     *
     * @throws PkiException naming what does not hold; also when the receipt carries no log inclusion
     */
    public static Checkpoint verifyLogInclusion(Receipt receipt, TrustBundle bundle, String source) {
        LogInclusion log = receipt.log().orElseThrow(() -> new PkiException(source
                + ": the receipt carries no transparency-log inclusion"));
        String origin = LogOrigins.forRegistry(bundle.registryName());
        Checkpoint checkpoint = null;
        CheckpointException failure = null;
        for (X509Certificate logKey : logKeys(receipt, bundle, source)) {
            try {
                checkpoint = Checkpoint.verify(log.checkpoint(), new NoteVerifier(origin, logKey.getPublicKey()),
                        origin);
                break;
            } catch (CheckpointException e) {
                failure = e;
            }
        }
        if (checkpoint == null) {
            throw new PkiException(source + ": the receipt's checkpoint does not verify: "
                    + (failure == null ? "the trust bundle lists no P-256 receipt-signing key" : failure.getMessage()),
                    failure);
        }
        if (checkpoint.size() != log.treeSize()) {
            throw new PkiException(source + ": the checkpoint is for a tree of " + checkpoint.size()
                    + " entries but the proof is for " + log.treeSize());
        }
        try {
            log.inclusionProof().verify(receipt.logEntry().leafHash(), checkpoint.rootHash());
        } catch (ProofException e) {
            throw new PkiException(source + ": the receipt's entry is not in the log at index " + log.leafIndex()
                    + ": " + e.getMessage(), e);
        }
        return checkpoint;
    }

    /**
     * The keys that may have signed the receipt's checkpoint. There is one transparency log for every
     * suite, and its checkpoints are C2SP signed notes, which have an ECDSA P-256 signature type but
     * none for SM2: a suite 1 receipt's checkpoint is signed by the receipt's own key, a suite 2
     * receipt's by one of the bundle's unrevoked P-256 receipt-signing keys.
     */
    private static List<X509Certificate> logKeys(Receipt receipt, TrustBundle bundle, String source) {
        byte[] keyId = HexFormat.of().parseHex(receipt.signingKeyId());
        if (receipt.suite() == 1) {
            return List.of(bundle.receiptSigning().stream()
                    .filter(certificate -> java.util.Arrays.equals(KeyPairs.keyId(certificate.getPublicKey()), keyId))
                    .findFirst()
                    .orElseThrow(() -> new PkiException(source + ": receipt signing key " + receipt.signingKeyId()
                            + " is not in the trust bundle")));
        }
        return bundle.receiptSigning().stream()
                .filter(certificate -> !KeyPairs.isSm2(certificate.getPublicKey()))
                .filter(certificate -> !bundle.isKeyRevoked(KeyPairs.keyId(certificate.getPublicKey())))
                .toList();
    }

    private static Receipt fromPayload(JsonNode node, String format, String source) {
        try {
            String keyId = SignedJson.text(node, "signingKeyId", source);
            if (!keyId.matches("[0-9a-f]{16}")) {
                throw new PkiException(source + ": signingKeyId must be 16 lower-case hex digits");
            }
            boolean named = format.equals(FORMAT_2);
            int suite = named ? suite(node, source) : 1;
            return new Receipt(
                    SignedJson.text(node, "registry", source),
                    SignedJson.text(node, "envelopeSha256", source),
                    SignedJson.nonNegative(node, "envelopeLength", source),
                    SignedJson.text(node, named ? "photoDigest" : "photoSha256", source),
                    SignedJson.text(node, "codeId", source),
                    SignedJson.text(node, "stationId", source),
                    Instant.parse(SignedJson.text(node, "captureTime", source)),
                    Instant.parse(SignedJson.text(node, "acceptedAt", source)),
                    Math.toIntExact(SignedJson.nonNegative(node, "photoVersion", source)),
                    keyId,
                    node.has("log") ? Optional.of(logInclusion(node.get("log"), source)) : Optional.empty(),
                    suite);
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            throw new PkiException(source + ": invalid receipt: " + e.getMessage(), e);
        }
    }
}
