package dev.codebound.server.registry;

import dev.codebound.protocol.pki.CertificateAuthority;
import dev.codebound.protocol.pki.CertificateProfile;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.encoders.Base32;

/**
 * Station enrollment: an administrator issues a one-time enrollment token; a station presents it
 * with a PKCS#10 request and receives its certificate. A station that seals envelopes of suite 2
 * sends a second request, for its SM2 key, and receives an SM2 envelope-signing certificate with the
 * same station id: its P-256 certificate stays its TLS client identity (docs/protocol.md, "TLS for
 * suite 2 stations").
 *
 * <p>Only the SHA-256 of a token is stored, so a copy of the data directory does not reveal usable
 * tokens; looking a token up by its hash also means no secret is ever compared byte by byte. A
 * token is marked used durably <em>before</em> the certificate is issued: a crash in between burns
 * the token (the administrator issues another) but can never let one token enroll two stations,
 * even when two registry nodes redeem it at once (the {@link EnrollmentTokenStore} contract).
 */
public final class EnrollmentService {
    /** Token text prefix, so a token pasted into the wrong field is recognisable. */
    public static final String TOKEN_PREFIX = "CBE-";

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A stored token.
     *
     * @param tokenHash  hex SHA-256 of the token text
     * @param issuedAt   when it was issued
     * @param expiresAt  when it stops working
     * @param note       the administrator's note (e.g. which studio), never personal data
     * @param usedAt     when it was redeemed, or {@code null}
     * @param stationId  the station it enrolled, or {@code null}
     */
    public record TokenRecord(String tokenHash, Instant issuedAt, Instant expiresAt, String note, Instant usedAt,
            String stationId) {}

    /** A freshly issued token: the only time its text exists outside the administrator's hands. */
    public record IssuedToken(String token, Instant expiresAt) {}

    /**
     * What an enrollment issued.
     *
     * @param certificate    the station's P-256 certificate (TLS client authentication, suite 1 envelopes)
     * @param sm2Certificate its SM2 certificate for suite 2 envelopes, when it asked for one
     */
    public record Enrolled(X509Certificate certificate, Optional<X509Certificate> sm2Certificate) {}

    private final EnrollmentTokenStore tokens;
    private final StationDirectory stations;
    private final CertificateAuthority authority;
    private final Clock clock;
    private final Duration certificateValidity;
    private final Set<Integer> acceptedSuites;

    /** The service over {@code tokens} for a registry that accepts both envelope suites. */
    public EnrollmentService(EnrollmentTokenStore tokens, StationDirectory stations, CertificateAuthority authority,
            Clock clock, Duration certificateValidity) {
        this(tokens, stations, authority, clock, certificateValidity, Set.of(1, 2));
    }

    /**
     * The service over {@code tokens}, recording enrolled stations in {@code stations}; it issues SM2
     * signing certificates only if {@code acceptedSuites} has suite 2.
     */
    public EnrollmentService(EnrollmentTokenStore tokens, StationDirectory stations, CertificateAuthority authority,
            Clock clock, Duration certificateValidity, Set<Integer> acceptedSuites) {
        this.tokens = tokens;
        this.stations = stations;
        this.authority = authority;
        this.clock = clock;
        this.certificateValidity = certificateValidity;
        this.acceptedSuites = Set.copyOf(acceptedSuites);
    }

    /** Issues a one-time token valid for {@code validity}. */
    public IssuedToken issueToken(Duration validity, String note) throws IOException {
        byte[] secret = new byte[20];
        RANDOM.nextBytes(secret);
        String token = TOKEN_PREFIX + Base32.toBase32String(secret);
        Instant now = clock.instant();
        tokens.add(new TokenRecord(hash(token), now, now.plus(validity), note, null, null));
        return new IssuedToken(token, now.plus(validity));
    }

    /**
     * Redeems a token for a station certificate.
     *
     * @throws Refusal ENROLLMENT_TOKEN_UNKNOWN (403), ENROLLMENT_TOKEN_EXPIRED (403),
     *     ENROLLMENT_TOKEN_USED (409) or CSR_INVALID (400)
     */
    public X509Certificate enroll(String token, PKCS10CertificationRequest request)
            throws IOException, Refusal {
        return enroll(token, request, Optional.empty()).certificate();
    }

    /**
     * Redeems a token for a station certificate and, when {@code sm2Request} is present, an SM2
     * envelope-signing certificate for the same station. Both requests are checked before the token is
     * spent.
     *
     * @throws Refusal ENROLLMENT_TOKEN_UNKNOWN (403), ENROLLMENT_TOKEN_EXPIRED (403),
     *     ENROLLMENT_TOKEN_USED (409), CSR_INVALID (400) or, for an SM2 request when the registry does
     *     not accept suite 2, SUITE_NOT_ACCEPTED (400)
     */
    public Enrolled enroll(String token, PKCS10CertificationRequest request,
            Optional<PKCS10CertificationRequest> sm2Request) throws IOException, Refusal {
        PublicKey stationKey = verifiedKey(request, CompactSignature.ECDSA_P256_SHA256, "csr");
        Optional<PublicKey> sm2Key = Optional.empty();
        if (sm2Request.isPresent()) {
            if (!acceptedSuites.contains(2)) {
                throw new Refusal(ProblemType.ENROLLMENT_SUITE_NOT_ACCEPTED, "this registry does not accept "
                        + "envelope suite 2 (it accepts " + new TreeSet<>(acceptedSuites) + "), so it issues no SM2 "
                        + "signing certificate; enroll without sm2Csr (envelope.suite = 1)");
            }
            sm2Key = Optional.of(verifiedKey(sm2Request.get(), CompactSignature.SM2_SM3, "sm2Csr"));
        }
        String normalized = token == null ? "" : token.strip().toUpperCase(Locale.ROOT);
        TokenRecord record = tokens.find(hash(normalized)).orElseThrow(() -> new Refusal(
                ProblemType.ENROLLMENT_TOKEN_UNKNOWN, "the enrollment token is not known to this registry; "
                        + "ask the registry administrator for a new one"));
        Instant now = clock.instant();
        if (record.usedAt() != null) {
            throw tokenUsed(record);
        }
        if (now.isAfter(record.expiresAt())) {
            throw new Refusal(ProblemType.ENROLLMENT_TOKEN_EXPIRED, "the enrollment token expired at "
                    + record.expiresAt() + "; ask the registry administrator for a new one");
        }
        String stationId = newStationId();
        if (tokens.redeem(record.tokenHash(), now, stationId).isEmpty()) {
            throw tokenUsed(tokens.find(record.tokenHash()).orElse(record));
        }
        Instant notBefore = now.minus(Duration.ofMinutes(5));
        Instant notAfter = earlierOf(now.plus(certificateValidity), authority.certificate().getNotAfter().toInstant());
        X509Certificate certificate = authority.issue(stationKey, stationId, CertificateProfile.STATION, notBefore,
                notAfter, List.of());
        Optional<X509Certificate> sm2Certificate = sm2Key.map(key -> authority.issue(key, stationId,
                CertificateProfile.STATION, notBefore, notAfter, List.of()));
        stations.add(certificate, sm2Certificate, now);
        return new Enrolled(certificate, sm2Certificate);
    }

    private static PublicKey verifiedKey(PKCS10CertificationRequest request, CompactSignature keyAlgorithm,
            String field) throws Refusal {
        try {
            return CertificationRequests.verifiedPublicKey(request, keyAlgorithm);
        } catch (PkiException e) {
            throw new Refusal(ProblemType.CSR_INVALID, field + ": " + e.getMessage());
        }
    }

    private static Refusal tokenUsed(TokenRecord record) {
        return new Refusal(ProblemType.ENROLLMENT_TOKEN_USED, "the enrollment token was already used at "
                + record.usedAt() + "; each token enrolls one station");
    }

    private static Instant earlierOf(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String newStationId() {
        byte[] random = new byte[5];
        RANDOM.nextBytes(random);
        return "ST-" + Base32.toBase32String(random);
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
