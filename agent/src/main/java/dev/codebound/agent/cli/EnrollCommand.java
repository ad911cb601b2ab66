package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.registry.Enrollment;
import dev.codebound.agent.registry.EnrollmentCheck;
import dev.codebound.agent.registry.RegistryClient;
import dev.codebound.agent.registry.RegistryRefusal;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import okhttp3.HttpUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enroll}: redeems a one-time token for the station's certificate. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = {"Enroll the station: send a certificate request for the station key with the one-time "
                + "enrollment token to the registry (TLS, trusting only the pinned CA), check the answer and "
                + "store the station certificate and trust bundle. With envelope.suite = 2 a second request, for the "
                + "SM2 envelope-signing key, gets the SM2 certificate. The token is read from $"
                + EnrollCommand.TOKEN_VARIABLE + " or --token-file, never from the command line.",
            "Exit codes: 0 enrolled, 3 station not initialised, no token, wrong passphrase or a bad answer, "
                + "6 registry unreachable, 7 the registry refused (unknown, used or expired token; suite 2 not "
                + "accepted)."})
final class EnrollCommand implements Callable<Integer> {
    /** The environment variable holding the one-time enrollment token. */
    static final String TOKEN_VARIABLE = "CODEBOUND_ENROLLMENT_TOKEN";

    @Mixin
    HomeOption home;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File whose first line is the enrollment token (default: $" + TOKEN_VARIABLE + ").")
    Path tokenFile;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "codebound-station",
            description = "Name put in the certificate request; the registry assigns the station id "
                    + "(default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--force", description = "Enroll again although the station already has a certificate.")
    boolean force;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        StationHome station = home.home();
        StationConfig config = home.context().config();
        HttpUrl url = RegistryAccess.url(config);
        StationTrust trust = new StationTrust(station);
        X509Certificate pinnedCa = trust.registryCa();
        char[] passphrase = home.context().passphrase();
        KeyPair keys = StationKeys.keyPair(StationKeys.privateKey(station, passphrase));
        Optional<KeyPair> sm2Keys = config.suite() == Suite.SM2_SM4GCM_SM3
                ? Optional.of(StationKeys.keyPair(StationKeys.sm2PrivateKey(station, passphrase))) : Optional.empty();
        refuseIfEnrolled(station, keys);
        String token = token();

        Enrollment enrollment;
        try {
            RegistryClient registry = new RegistryClient(url, RegistryAccess.client(
                    MutualTls.serverAuthenticated(pinnedCa), config, station));
            enrollment = registry.enroll(token, PemFiles.requestToPem(CertificationRequests.create(keys, name)),
                    sm2Keys.map(sm2 -> PemFiles.requestToPem(CertificationRequests.create(sm2, name))));
        } catch (RegistryRefusal refusal) {
            throw RegistryAccess.refused("enrollment failed", refusal);
        } catch (IOException e) {
            throw RegistryAccess.unreachable(url, e);
        }
        TrustBundle bundle;
        try {
            bundle = sm2Keys.isPresent()
                    ? EnrollmentCheck.verify(enrollment, keys.getPublic(), sm2Keys.get().getPublic(), pinnedCa,
                            Instant.now())
                    : EnrollmentCheck.verify(enrollment, keys.getPublic(), pinnedCa, Instant.now());
        } catch (PkiException e) {
            throw new StationException("refusing the registry's enrollment answer: " + e.getMessage()
                    + "; nothing was stored, and the token is spent: ask the registry administrator for a new one", e);
        }
        PemFiles.writeCertificates(station.certificate(), List.of(enrollment.certificate()));
        if (sm2Keys.isPresent()) {
            PemFiles.writeCertificates(station.sm2Certificate(), List.of(enrollment.sm2Certificate().orElseThrow()));
        } else {
            // An SM2 certificate of an earlier suite 2 enrollment is another identity's; it must not linger.
            Files.deleteIfExists(station.sm2Certificate());
        }
        if (force) {
            // A bundle from an earlier enrollment may have a higher sequence than this registry's; start afresh.
            Files.deleteIfExists(station.trustBundle());
        }
        TrustBundle kept = trust.update(enrollment.trustBundle(), "the enrollment");
        try (TransferLog log = TransferLog.open(station, Clock.systemUTC(),
                new StationCredentials(keys.getPrivate(), enrollment.certificate()))) {
            log.enrolled(enrollment.stationId(), Certificates.fingerprint(enrollment.certificate()));
            log.trustUpdated(kept.sequence());
        }

        PrintWriter out = spec.commandLine().getOut();
        Instant notAfter = enrollment.certificate().getNotAfter().toInstant();
        if (json) {
            out.println(new ObjectMapper().createObjectNode().put("stationId", enrollment.stationId())
                    .put("certificateNotAfter", notAfter.toString()).put("trustBundleSequence", bundle.sequence()));
        } else {
            out.println("enrolled as station " + enrollment.stationId());
            out.println("  certificate: " + station.certificate() + " (valid until " + notAfter + ")");
            enrollment.sm2Certificate().ifPresent(sm2 -> out.println("  SM2 signing certificate: "
                    + station.sm2Certificate() + " (envelope suite 2)"));
            out.println("  trust bundle: sequence " + bundle.sequence());
        }
        return ExitCodes.OK;
    }

    private void refuseIfEnrolled(StationHome station, KeyPair keys) throws IOException, StationException {
        if (force || !Files.exists(station.certificate())) {
            return;
        }
        X509Certificate existing = PemFiles.readCertificates(station.certificate()).get(0);
        if (existing.getPublicKey() instanceof ECPublicKey issued
                && issued.getW().equals(((ECPublicKey) keys.getPublic()).getW())) {
            throw new StationException("the station is already enrolled as " + Certificates.commonName(existing)
                    + "; use --force to enroll again with a new token");
        }
    }

    private String token() throws StationException {
        String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new StationException("cannot read the token file " + tokenFile + ": " + e.getMessage(), e);
            }
            if (token.isBlank()) {
                throw new StationException("the token file " + tokenFile + " is empty");
            }
        } else {
            token = home.environment().variable(TOKEN_VARIABLE);
            if (token == null || token.isBlank()) {
                throw new StationException("no enrollment token: set " + TOKEN_VARIABLE
                        + " or give --token-file FILE (tokens are never passed as arguments)");
            }
        }
        return token.strip();
    }
}
