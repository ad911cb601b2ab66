package dev.codebound.server.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.QrCodes;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeException;
import dev.codebound.protocol.envelope.EnvelopeOpener;
import dev.codebound.protocol.envelope.OpenedEnvelope;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.SignedJson;
import dev.codebound.server.http.Access;
import dev.codebound.server.http.Exchange;
import dev.codebound.server.http.Responses;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.SmallBodyHandler;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The registry's own endpoints (everything but tus): trust bundle, enrollment, and the
 * integrators' administration of stations and codes. Request bodies are small and collected with
 * {@link SmallBodyHandler}; every operation runs on the storage executor because it signs and
 * writes files. Documented in docs/registry-api.md.
 */
public final class RegistryRoutes {
    /** Enrollment requests and single-code requests are a few KB. */
    static final int JSON_LIMIT = 16 * 1024;
    /** A CSV batch of {@link CodeBook#MAX_BATCH} rows fits comfortably. */
    static final int CSV_LIMIT = 4 * 1024 * 1024;
    /** Largest photo the admin endpoint decrypts into one response. */
    static final long MAX_DECRYPTED_RESPONSE = 64L * 1024 * 1024;
    /** Default life of an enrollment token. */
    static final Duration DEFAULT_TOKEN_VALIDITY = Duration.ofDays(7);

    private final Registry registry;
    private final Executor storage;

    public RegistryRoutes(Registry registry, Executor storage) {
        this.registry = registry;
        this.storage = storage;
    }

    public void register(Router router) {
        router.add(route(HttpMethod.GET, "/registry/v1/trust-bundle", Access.PUBLIC, 0, this::trustBundle))
                .add(route(HttpMethod.GET, "/registry/v1/ca.pem", Access.PUBLIC, 0, this::caCertificate))
                .add(route(HttpMethod.POST, "/registry/v1/enrollments", Access.PUBLIC, JSON_LIMIT, this::enroll))
                .add(route(HttpMethod.POST, "/admin/v1/enrollment-tokens", Access.ADMIN, JSON_LIMIT, this::newToken))
                .add(route(HttpMethod.GET, "/admin/v1/stations", Access.ADMIN, 0, this::listStations))
                .add(route(HttpMethod.POST, "/admin/v1/stations/{id}/revocation", Access.ADMIN, JSON_LIMIT,
                        this::revokeStation))
                .add(route(HttpMethod.GET, "/admin/v1/codes", Access.ADMIN, 0, this::listCodes))
                .add(route(HttpMethod.POST, "/admin/v1/codes", Access.ADMIN, JSON_LIMIT, this::issueCode))
                .add(route(HttpMethod.POST, "/admin/v1/codes/batch", Access.ADMIN, CSV_LIMIT, this::issueBatch))
                .add(route(HttpMethod.GET, "/admin/v1/codes/{id}", Access.ADMIN, 0, this::showCode))
                .add(route(HttpMethod.GET, "/admin/v1/codes/{id}/qr.png", Access.ADMIN, 0, this::codeQr))
                .add(route(HttpMethod.POST, "/admin/v1/codes/{id}/revocation", Access.ADMIN, JSON_LIMIT,
                        this::revokeCode))
                .add(route(HttpMethod.GET, "/admin/v1/codes/{id}/photos", Access.ADMIN, 0, this::codePhotos))
                .add(route(HttpMethod.GET, "/admin/v1/photos/{sha256}", Access.ADMIN, 0, this::decryptedPhoto))
                .add(route(HttpMethod.GET, "/registry/v1/receipts/{sha256}", Access.STATION, 0, this::receipt));
    }

    private Route route(HttpMethod method, String template, Access access, int bodyLimit, SmallBodyHandler.Work work) {
        return new Route(method, template, access,
                () -> new SmallBodyHandler(bodyLimit, storage, work, RegistryRoutes::failure));
    }

    private FullHttpResponse trustBundle(Exchange exchange, byte[] body) throws IOException {
        FullHttpResponse response = Responses.json(HttpResponseStatus.OK, registry.trustBundles().current());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return response;
    }

    private FullHttpResponse caCertificate(Exchange exchange, byte[] body) {
        return Responses.text(HttpResponseStatus.OK, "application/x-pem-file",
                PemFiles.certificatesToPem(List.of(registry.keyring().authority().certificate())));
    }

    private FullHttpResponse enroll(Exchange exchange, byte[] body) throws Exception {
        JsonNode request = object(body, exchange);
        String token = text(request, "token");
        PKCS10CertificationRequest csr = request(text(request, "csr"), "csr");
        Optional<PKCS10CertificationRequest> sm2Csr = request.hasNonNull("sm2Csr")
                ? Optional.of(request(text(request, "sm2Csr"), "sm2Csr")) : Optional.empty();
        EnrollmentService.Enrolled enrolled = registry.enrollment().enroll(token, csr, sm2Csr);
        X509Certificate certificate = enrolled.certificate();
        ObjectNode response = JsonRecordStore.JSON.createObjectNode();
        response.put("stationId", dev.codebound.protocol.pki.Certificates.commonName(certificate));
        response.put("certificate", PemFiles.certificatesToPem(List.of(certificate)));
        enrolled.sm2Certificate().ifPresent(sm2 -> response.put("sm2Certificate",
                PemFiles.certificatesToPem(List.of(sm2))));
        response.put("registryCa", PemFiles.certificatesToPem(List.of(registry.keyring().authority().certificate())));
        response.put("trustBundle", new String(registry.trustBundles().current(), StandardCharsets.UTF_8));
        return json(HttpResponseStatus.CREATED, response);
    }

    private static PKCS10CertificationRequest request(String pem, String field) throws Refusal {
        try {
            return PemFiles.requestFromPem(pem, field);
        } catch (PkiException e) {
            throw new Refusal(ProblemType.CSR_INVALID, e.getMessage());
        }
    }

    private FullHttpResponse newToken(Exchange exchange, byte[] body) throws Exception {
        JsonNode request = body.length == 0 ? JsonRecordStore.JSON.createObjectNode() : object(body, exchange);
        Duration validity = DEFAULT_TOKEN_VALIDITY;
        if (request.has("validitySeconds")) {
            long seconds = request.path("validitySeconds").asLong(-1);
            if (!request.get("validitySeconds").isIntegralNumber() || seconds < 60 || seconds > 90L * 86_400) {
                throw new IllegalArgumentException("validitySeconds must be a whole number from 60 to 7776000");
            }
            validity = Duration.ofSeconds(seconds);
        }
        String note = request.path("note").asText("");
        if (note.length() > 200) {
            throw new IllegalArgumentException("note must be at most 200 characters");
        }
        EnrollmentService.IssuedToken token = registry.enrollment().issueToken(validity, note);
        ObjectNode response = JsonRecordStore.JSON.createObjectNode();
        response.put("token", token.token());
        response.put("expiresAt", token.expiresAt().toString());
        return json(HttpResponseStatus.CREATED, response);
    }

    private FullHttpResponse listStations(Exchange exchange, byte[] body) throws IOException {
        return json(HttpResponseStatus.OK, JsonRecordStore.JSON.valueToTree(registry.stations().all()));
    }

    private FullHttpResponse revokeStation(Exchange exchange, byte[] body) throws Exception {
        JsonNode request = body.length == 0 ? JsonRecordStore.JSON.createObjectNode() : object(body, exchange);
        StationDirectory.Station station = registry.stations().revoke(exchange.parameter("id"),
                request.path("note").asText(""), registry.clock().instant());
        registry.trustBundles().current();
        return json(HttpResponseStatus.OK, JsonRecordStore.JSON.valueToTree(station));
    }

    private FullHttpResponse listCodes(Exchange exchange, byte[] body) throws IOException {
        List<CodeBook.CodeRecord> codes = registry.codes().all().stream()
                .sorted(Comparator.comparing(CodeBook.CodeRecord::issuedAt).thenComparing(CodeBook.CodeRecord::codeId))
                .toList();
        ArrayNode listed = JsonRecordStore.JSON.createArrayNode();
        codes.forEach(code -> listed.add(codeJson(code)));
        return json(HttpResponseStatus.OK, listed);
    }

    /** A code record as the admin API shows it: without its code keys, which are secrets. */
    private static ObjectNode codeJson(CodeBook.CodeRecord record) {
        ObjectNode node = JsonRecordStore.JSON.valueToTree(record);
        node.remove(List.of("codeKeySha256", "codeKeySm3"));
        return node;
    }

    private FullHttpResponse issueCode(Exchange exchange, byte[] body) throws Exception {
        JsonNode request = object(body, exchange);
        Instant notBefore = instant(request, "notBefore", registry.clock().instant());
        CodeBook.CodeRequest code = new CodeBook.CodeRequest(
                new StudentIdentity(text(request, "studentNumber"), text(request, "name"), text(request, "idNumber")),
                integer(request, "schoolCode"), integer(request, "cohort"), notBefore,
                instant(request, "notAfter", notBefore.plus(CodeBook.DEFAULT_VALIDITY)));
        return json(HttpResponseStatus.CREATED, describe(registry.codes().issue(code), true));
    }

    private FullHttpResponse issueBatch(Exchange exchange, byte[] body) throws Exception {
        List<IssuedCode> issued = registry.codes().issueBatch(new String(body, StandardCharsets.UTF_8));
        ObjectNode response = JsonRecordStore.JSON.createObjectNode();
        ArrayNode codes = response.putArray("codes");
        issued.forEach(code -> codes.add(describe(code, false)));
        return json(HttpResponseStatus.CREATED, response);
    }

    private FullHttpResponse showCode(Exchange exchange, byte[] body) throws Exception {
        return json(HttpResponseStatus.OK, codeJson(codeRecord(exchange)));
    }

    private FullHttpResponse codeQr(Exchange exchange, byte[] body) throws Exception {
        return Responses.body(HttpResponseStatus.OK, "image/png",
                QrCodes.renderPng(codeRecord(exchange).text(), QrCodes.DEFAULT_SIZE));
    }

    private FullHttpResponse revokeCode(Exchange exchange, byte[] body) throws Exception {
        CodeBook.CodeRecord record = registry.codes().revoke(exchange.parameter("id"));
        registry.trustBundles().current();
        return json(HttpResponseStatus.OK, codeJson(record));
    }

    private FullHttpResponse codePhotos(Exchange exchange, byte[] body) throws Exception {
        String codeId = codeRecord(exchange).codeId();
        ArrayNode versions = JsonRecordStore.JSON.createArrayNode();
        for (PhotoArchive.AcceptedPhoto photo : registry.photos().versions(codeId)) {
            ObjectNode node = JsonRecordStore.JSON.valueToTree(photo);
            node.remove("receipt");
            node.put("photoPath", "/admin/v1/photos/" + photo.envelopeSha256());
            versions.add(node);
        }
        ObjectNode response = JsonRecordStore.JSON.createObjectNode();
        response.put("codeId", codeId);
        response.set("versions", versions);
        return json(HttpResponseStatus.OK, response);
    }

    /**
     * The decrypted photo of an accepted envelope, for integrators' own checks and the admin page.
     * The archived envelope is opened again (every check repeated) rather than keeping plaintext at
     * rest, and opened in memory only: no decrypted photo is ever written to disk (docs/privacy.md).
     *
     * <p>Served only as {@code image/jpeg}, with {@code nosniff} and a policy that allows nothing to
     * run or load: the bytes are a station's, and a browser must never render them as anything but an
     * image (an envelope accepted before the registry checked photos may hold any content, and one
     * not declared a JPEG is not served at all).
     */
    private FullHttpResponse decryptedPhoto(Exchange exchange, byte[] body) throws Exception {
        PhotoArchive.AcceptedPhoto photo = acceptedPhoto(exchange);
        if (!CaptureMetadata.JPEG.equals(photo.mediaType())) {
            throw new Refusal(ProblemType.PHOTO_NOT_JPEG, "envelope " + photo.envelopeSha256()
                    + " holds a photo declared " + photo.mediaType() + ", accepted before the registry checked "
                    + "photos; this endpoint serves only " + CaptureMetadata.JPEG);
        }
        if (photo.envelopeLength() > MAX_DECRYPTED_RESPONSE) {
            throw new Refusal(ProblemType.PHOTO_TOO_LARGE, "this envelope is " + photo.envelopeLength()
                    + " bytes; the admin endpoint returns photos up to " + MAX_DECRYPTED_RESPONSE + " bytes");
        }
        // Integrity and authenticity are checked again, as at acceptance; revocations since then do
        // not hide a photo the registry already accepted, so the bundle here revokes nothing.
        // Held in memory up to the largest photo served, so a decrypted photo never touches the disk (no
        // temporary file for a large one); the response is built from the same bytes.
        EnvelopeOpener opener = EnvelopeOpener.builder(registry.keyring().trustBundle(0, photo.acceptedAt()))
                .recipient(registry.keyring().encryption())
                .recipient(registry.keyring().sm2Encryption())
                .codeProofKeys(registry.codes().proofKeys())
                .clock(Clock.fixed(photo.acceptedAt(), ZoneOffset.UTC))
                .memoryThreshold((int) MAX_DECRYPTED_RESPONSE)
                .build();
        try (InputStream in = registry.photos().openEnvelope(photo.envelopeSha256());
                OpenedEnvelope opened = opener.open(in)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) opened.photoLength());
            opened.copyTo(out);
            FullHttpResponse response = Responses.body(HttpResponseStatus.OK, CaptureMetadata.JPEG, out.toByteArray());
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            response.headers().set("X-Content-Type-Options", "nosniff");
            response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, "default-src 'none'");
            return response;
        } catch (EnvelopeException e) {
            throw new Refusal(ProblemType.ARCHIVE_UNREADABLE, "the archived envelope no longer opens: "
                    + e.getMessage());
        }
    }

    private FullHttpResponse receipt(Exchange exchange, byte[] body) throws Exception {
        PhotoArchive.AcceptedPhoto photo = acceptedPhoto(exchange);
        String station = exchange.station().orElseThrow().stationId();
        if (!photo.stationId().equals(station)) {
            throw new Refusal(ProblemType.RECEIPT_UNKNOWN, "station " + station
                    + " holds no receipt for envelope " + photo.envelopeSha256());
        }
        return Responses.json(HttpResponseStatus.OK, photo.receipt().getBytes(StandardCharsets.UTF_8));
    }

    private PhotoArchive.AcceptedPhoto acceptedPhoto(Exchange exchange) throws IOException, Refusal {
        String sha256 = exchange.parameter("sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new Refusal(ProblemType.ENVELOPE_UNKNOWN, "envelopes are named by 64 lower-case hex digits");
        }
        return registry.photos().find(sha256).orElseThrow(() -> new Refusal(ProblemType.ENVELOPE_UNKNOWN,
                "no accepted envelope has SHA-256 " + sha256));
    }

    private CodeBook.CodeRecord codeRecord(Exchange exchange) throws IOException, Refusal {
        String codeId = exchange.parameter("id");
        if (!codeId.matches("[A-Z2-7]{16}")) {
            throw new Refusal(ProblemType.CODE_UNKNOWN, "'" + codeId + "' is not a code id (16 characters A-Z, 2-7)");
        }
        return registry.codes().find(codeId).orElseThrow(() -> new Refusal(ProblemType.CODE_UNKNOWN,
                "no code '" + codeId + "' was issued by this registry"));
    }

    private static ObjectNode describe(IssuedCode code, boolean withQr) {
        ObjectNode node = JsonRecordStore.JSON.createObjectNode();
        node.put("codeId", code.codeId());
        node.put("text", code.text());
        node.put("schoolCode", code.schoolCode());
        node.put("cohort", code.cohort());
        node.put("notBefore", code.notBefore().toString());
        node.put("notAfter", code.notAfter().toString());
        node.put("qrPath", "/admin/v1/codes/" + code.codeId() + "/qr.png");
        if (withQr) {
            node.put("qrPngBase64", Base64.getEncoder().encodeToString(
                    QrCodes.renderPng(code.text(), QrCodes.DEFAULT_SIZE)));
        }
        return node;
    }

    private static JsonNode object(byte[] body, Exchange exchange) throws Refusal {
        try {
            return SignedJson.readObject(body, "request body");
        } catch (PkiException e) {
            throw new Refusal(ProblemType.INVALID_JSON, e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required and must be a non-empty string");
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' is required and must be a whole number");
        }
        return value.asInt();
    }

    private static Instant instant(JsonNode node, String field, Instant fallback) {
        if (!node.hasNonNull(field)) {
            return fallback;
        }
        try {
            return Instant.parse(node.get(field).asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant such as "
                    + "2027-05-01T00:00:00Z");
        }
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonNode body) throws JsonProcessingException {
        FullHttpResponse response = Responses.json(status, JsonRecordStore.JSON.writeValueAsBytes(body));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    /** Registry refusals keep their reason and status; bad input is 400; anything else is 500. */
    static FullHttpResponse failure(Exchange exchange, Exception failure) {
        if (failure instanceof Refusal refused) {
            return Responses.problem(refused.problem(exchange.path()));
        }
        if (failure instanceof IllegalArgumentException invalid) {
            return Responses.problem(ProblemType.INVALID_REQUEST.problem(invalid.getMessage(), exchange.path()));
        }
        System.getLogger(RegistryRoutes.class.getName()).log(System.Logger.Level.ERROR,
                "registry operation failed on " + exchange.method() + " " + exchange.path(), failure);
        return Responses.problem(ProblemType.REGISTRY_FAILURE.problem(
                "the registry could not complete the operation; retry later", exchange.path()));
    }
}
