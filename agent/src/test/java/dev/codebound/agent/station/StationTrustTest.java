package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.TrustBundleCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle is verified once per content: unchanged files cost no verification, changed ones always do. */
class StationTrustTest {
    private static final Instant NOW = Instant.now();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private StationTrust station(String name, RegistryKeyring registry, long sequence, Set<String> revokedCodes)
            throws Exception {
        Path home = Files.createDirectories(root.resolve(name));
        StationTrust trust = new StationTrust(new StationHome(home));
        trust.pin(registry.authority().certificate());
        trust.update(TrustBundleCodec.sign(registry.trustBundle(sequence, NOW, Set.of(), revokedCodes, Set.of()),
                registry.authority().privateKey()), "test");
        return trust;
    }

    @Test
    void unchangedFilesGiveTheBundleVerifiedBefore() throws Exception {
        RegistryKeyring registry = RegistryKeyring.generate("Registry", NOW, Duration.ofDays(30));
        StationTrust trust = station("a", registry, 3, Set.of());
        assertSame(trust.bundle(), trust.bundle());
        assertSame(trust.bundle(), new StationTrust(new StationHome(root.resolve("a"))).bundle());
    }

    @Test
    void aBundleEditedAfterItWasVerifiedIsVerifiedAgainAndRefused() throws Exception {
        RegistryKeyring registry = RegistryKeyring.generate("Registry", NOW, Duration.ofDays(30));
        StationTrust trust = station("b", registry, 3, Set.of("REVOKEDCODE00001"));
        assertTrue(trust.bundle().revokedCodeIds().contains("REVOKEDCODE00001"));

        // Someone with access to the station's files un-revokes the code in place, keeping the signature.
        Path file = new StationHome(root.resolve("b")).trustBundle();
        ObjectNode signed = (ObjectNode) JSON.readTree(Files.readAllBytes(file));
        String payload = new String(Base64.getUrlDecoder().decode(signed.get("payload").asText()),
                StandardCharsets.UTF_8);
        assertTrue(payload.contains("REVOKEDCODE00001"));
        signed.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("REVOKEDCODE00001", "REVOKEDCODE00002").getBytes(StandardCharsets.UTF_8)));
        Files.write(file, JSON.writeValueAsBytes(signed));

        StationException e = assertThrows(StationException.class, trust::bundle);
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void anotherPinnedCaMakesTheSameBundleFileVerifyAgainAndFail() throws Exception {
        RegistryKeyring registry = RegistryKeyring.generate("Registry", NOW, Duration.ofDays(30));
        StationTrust trust = station("e", registry, 3, Set.of());
        assertEquals(3, trust.bundle().sequence());
        trust.pin(RegistryKeyring.generate("Registry", NOW, Duration.ofDays(30)).authority().certificate());
        StationException e = assertThrows(StationException.class, trust::bundle);
        assertTrue(e.getMessage().contains("this station trusts"), e.getMessage());
    }

    @Test
    void aRefreshedBundleAndAnotherStationsBundleAreTheirOwn() throws Exception {
        RegistryKeyring registry = RegistryKeyring.generate("Registry", NOW, Duration.ofDays(30));
        StationTrust trust = station("c", registry, 3, Set.of());
        assertEquals(3, trust.bundle().sequence());
        trust.update(TrustBundleCodec.sign(registry.trustBundle(4, NOW, Set.of(), Set.of("REVOKEDCODE00003"),
                Set.of()), registry.authority().privateKey()), "refresh");
        assertEquals(4, trust.bundle().sequence());
        assertTrue(trust.bundle().revokedCodeIds().contains("REVOKEDCODE00003"));

        RegistryKeyring other = RegistryKeyring.generate("Other registry", NOW, Duration.ofDays(30));
        StationTrust elsewhere = station("d", other, 4, Set.of());
        assertEquals("Other registry", elsewhere.bundle().registryName());
        assertEquals("Registry", trust.bundle().registryName());
    }
}
