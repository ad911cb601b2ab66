package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.MockRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit verify --registry https://...} trusts the pinned registry CA and nothing else. */
class AuditOverTlsTest {
    @RegisterExtension
    CodeboundRegistry registry = CodeboundRegistry.builder().build();

    @Test
    void onlyThePinnedCaIsTrusted(@TempDir Path dir) throws Exception {
        MockRegistry server = registry.server();
        StationHome home = new StationHome(dir.resolve("station"));
        StationTrust trust = new StationTrust(home);
        trust.pin(server.registry().keyring().authority().certificate());
        trust.update(server.registry().trustBundles().current(), "the registry");
        try (TransferLog log = TransferLog.open(home, Clock.systemUTC())) {
            log.trustUpdated(1);
        }
        CliRun pinned = CliRun.of("audit", "verify", "--home", home.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.OK, pinned.exitCode(), pinned.out() + pinned.err());
        assertTrue(pinned.out().contains("registryLogSize: 0"), pinned.out());

        StationHome impostor = new StationHome(dir.resolve("impostor"));
        RegistryKeyring other = RegistryKeyring.generate("Other Registry", Instant.now().minusSeconds(60),
                Duration.ofDays(1));
        new StationTrust(impostor).pin(other.authority().certificate());
        new StationTrust(impostor).update(dev.codebound.protocol.pki.TrustBundleCodec.sign(
                other.trustBundle(1, Instant.now()), other.authority().privateKey()), "test");
        TransferLog.open(impostor, Clock.systemUTC()).close();
        CliRun refused = CliRun.of("audit", "verify", "--home", impostor.root().toString(), "--registry",
                server.baseUri().toString());
        assertEquals(ExitCodes.UNREACHABLE, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("cannot get " + server.baseUri()), refused.err());
    }
}
