package dev.codebound.bench.e2e;

import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.registry.CodeBook;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;

/** Setting up registries, stations and codes the way a deployment does: enrolment and code issuance. */
public final class Fleet {
    private Fleet() {}

    /** A mock registry with mutual TLS on 127.0.0.1 and its real envelope acceptance. */
    public static MockRegistry registry(Path dataDir) throws IOException {
        MockRegistryConfig.Builder config = MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0)
                .dataDir(dataDir).tls(true);
        // For diagnosis only (docs/performance.md): e.g. -Dcodebound.bench.headerTimeoutSeconds=120.
        String headerTimeout = System.getProperty("codebound.bench.headerTimeoutSeconds");
        if (headerTimeout != null) {
            config.headerTimeout(java.time.Duration.ofSeconds(Long.parseLong(headerTimeout)));
        }
        return MockRegistry.start(config.build());
    }

    /** Enrols a station through an enrolment token and a PKCS#10 request. */
    public static StationCredentials enroll(MockRegistry server, String note) throws Exception {
        KeyPair key = KeyPairs.generateP256();
        String token = server.registry().enrollment().issueToken(Duration.ofHours(1), note).token();
        return new StationCredentials(key.getPrivate(),
                server.registry().enrollment().enroll(token, CertificationRequests.create(key, note)));
    }

    /** Issues {@code count} codes for distinct students of school 10337. */
    public static List<IssuedCode> codes(MockRegistry server, int count, int firstStudent) throws IOException {
        Instant now = Instant.now();
        List<IssuedCode> codes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String number = "S" + (firstStudent + i);
            codes.add(server.registry().codes().issue(new CodeBook.CodeRequest(
                    new StudentIdentity(number, "Student " + number, idNumber(firstStudent + i)), 10337, 2027,
                    now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)))));
        }
        return codes;
    }

    private static String idNumber(int n) {
        String first17 = "1101051949" + String.format("%07d", n % 10_000_000);
        return first17 + StudentIdentity.idNumberCheckCharacter(first17);
    }

    /** An OkHttp client presenting {@code station}'s certificate and trusting only the registry CA. */
    public static OkHttpClient.Builder client(MockRegistry server, StationCredentials station) {
        return MutualTls.create(station.privateKey(), List.of(station.certificate()),
                server.keyring().authority().certificate());
    }

    /** The registry's TLS server key, as the JDK's own type (for the ceiling's sink). */
    public static PrivateKey tlsKey(MockRegistry server) throws Exception {
        PrivateKey key = PemFiles.readPrivateKey(server.config().dataDir().resolve("keys")
                .resolve("tls-server.key.pem"), null);
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    public static X509Certificate tlsCertificate(MockRegistry server) throws Exception {
        return jdk(PemFiles.readCertificates(server.config().dataDir().resolve("keys")
                .resolve("tls-server.cert.pem")).get(0));
    }

    public static X509Certificate jdk(X509Certificate certificate) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    }
}
