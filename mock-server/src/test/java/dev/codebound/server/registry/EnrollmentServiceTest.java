package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.server.problem.ProblemType;
import dev.codebound.server.problem.Refusal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentServiceTest {
    @TempDir
    Path dir;
    StationDirectory stations;
    EnrollmentService enrollment;
    KeyPair stationKey = KeyPairs.generateP256();
    PKCS10CertificationRequest request = CertificationRequests.create(stationKey, "studio");

    @BeforeEach
    void setUp() throws Exception {
        stations = new StationDirectory(new FileStationStore(dir.resolve("stations")));
        enrollment = new EnrollmentService(new FileEnrollmentTokenStore(dir.resolve("tokens")), stations, RegistryFixture.KEYRING.authority(),
                RegistryFixture.clockAt(RegistryFixture.NOW), Duration.ofDays(365));
    }

    @Test
    void aTokenEnrollsExactlyOneStation() throws Exception {
        EnrollmentService.IssuedToken token = enrollment.issueToken(Duration.ofDays(1), "studio 7");
        X509Certificate certificate = enrollment.enroll(token.token(), request);

        String stationId = Certificates.commonName(certificate);
        assertTrue(stationId.matches("ST-[A-Z2-7]{8}"), stationId);
        assertEquals(stationKey.getPublic(), certificate.getPublicKey());
        Certificates.requireIssuedBy(certificate, RegistryFixture.KEYRING.authority().certificate(),
                RegistryFixture.NOW);
        assertEquals(Certificates.serialHex(certificate), stations.find(stationId).orElseThrow().serialHex());

        Refusal reuse = assertThrows(Refusal.class, () -> enrollment.enroll(token.token(),
                CertificationRequests.create(KeyPairs.generateP256(), "thief")));
        assertEquals(ProblemType.ENROLLMENT_TOKEN_USED, reuse.type());
        assertEquals(409, reuse.type().status());
    }

    @Test
    void tokenTextIsNeverStored() throws Exception {
        String token = enrollment.issueToken(Duration.ofDays(1), "n").token();
        try (var files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file).contains(token.substring(4)), file.toString());
            }
        }
    }

    @Test
    void unknownAndExpiredTokensAreRefused() throws Exception {
        Refusal unknown = assertThrows(Refusal.class,
                () -> enrollment.enroll("CBE-NOTATOKEN", request));
        assertEquals(ProblemType.ENROLLMENT_TOKEN_UNKNOWN, unknown.type());

        String token = enrollment.issueToken(Duration.ofMinutes(10), "n").token();
        EnrollmentService later = new EnrollmentService(new FileEnrollmentTokenStore(dir.resolve("tokens")), stations,
                RegistryFixture.KEYRING.authority(), RegistryFixture.clockAt(RegistryFixture.NOW.plusSeconds(3600)),
                Duration.ofDays(365));
        Refusal expired = assertThrows(Refusal.class, () -> later.enroll(token, request));
        assertEquals(ProblemType.ENROLLMENT_TOKEN_EXPIRED, expired.type());
    }

    @Test
    void aForgedRequestDoesNotBurnTheToken() throws Exception {
        String token = enrollment.issueToken(Duration.ofDays(1), "n").token();
        byte[] der = request.getEncoded();
        der[der.length - 3] ^= 0x10;
        Refusal bad = assertThrows(Refusal.class,
                () -> enrollment.enroll(token, new PKCS10CertificationRequest(der)));
        assertEquals(ProblemType.CSR_INVALID, bad.type());
        assertEquals(400, bad.type().status());
        enrollment.enroll(token.toLowerCase(), request);
    }

    @Test
    void revokedStationsAreListedBySerial() throws Exception {
        X509Certificate certificate = enrollment.enroll(enrollment.issueToken(Duration.ofDays(1), "n").token(),
                request);
        String stationId = Certificates.commonName(certificate);
        assertFalse(stations.isRevoked(certificate));
        stations.revoke(stationId, "lost laptop", RegistryFixture.NOW);
        assertTrue(stations.isRevoked(certificate));
        assertEquals(java.util.Set.of(Certificates.serialHex(certificate)), stations.revokedSerials());
        assertEquals(ProblemType.STATION_UNKNOWN, assertThrows(Refusal.class,
                () -> stations.revoke("ST-NOPE", "x", RegistryFixture.NOW)).type());
    }
}
