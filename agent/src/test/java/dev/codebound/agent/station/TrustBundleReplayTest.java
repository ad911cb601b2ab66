package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who kept an old trust bundle (from before a code or station was revoked) and feeds it to
 * a station, or who signs a bundle with a CA of their own: the station keeps what it has.
 */
class TrustBundleReplayTest {
    @TempDir
    Path home;

    @Test
    void anOlderOrForeignBundleNeverReplacesTheOneInForce() throws Exception {
        Instant now = Instant.now();
        RegistryKeyring registry = RegistryKeyring.generate("Registry", now, Duration.ofDays(30));
        StationHome station = new StationHome(home);
        Files.createDirectories(home);
        StationTrust trust = new StationTrust(station);
        trust.pin(registry.authority().certificate());

        byte[] old = TrustBundleCodec.sign(registry.trustBundle(4, now), registry.authority().privateKey());
        byte[] current = TrustBundleCodec.sign(registry.trustBundle(5, now, Set.of(), Set.of("REVOKEDCODE00001"),
                Set.of("0a0b")), registry.authority().privateKey());
        assertEquals(4, trust.update(old, "first").sequence());
        assertEquals(5, trust.update(current, "refresh").sequence());

        StationException replayed = assertThrows(StationException.class, () -> trust.update(old, "replay"));
        assertTrue(replayed.getMessage().contains("replayed old bundle"), replayed.getMessage());
        assertArrayEquals(current, Files.readAllBytes(station.trustBundle()), "the newer bundle stays");
        assertTrue(trust.bundle().revokedCodeIds().contains("REVOKEDCODE00001"), "its revocations still apply");

        // A higher sequence signed by anyone but the pinned CA is refused too.
        RegistryKeyring forger = RegistryKeyring.generate("Registry", now, Duration.ofDays(30));
        byte[] forged = TrustBundleCodec.sign(forger.trustBundle(99, now), forger.authority().privateKey());
        assertThrows(StationException.class, () -> trust.update(forged, "forged"));
        assertEquals(5, trust.bundle().sequence());
    }
}
