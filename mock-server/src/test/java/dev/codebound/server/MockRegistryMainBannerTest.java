package dev.codebound.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.Certificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up banner publishes the registry CA's fingerprint, in the form station operators compare. */
class MockRegistryMainBannerTest {
    @TempDir
    Path dataDir;

    @Test
    void theBannerNamesTheCaFingerprintAndEndsWithTheListeningLine() throws Exception {
        try (MockRegistry registry = TestRegistries.startPlain(dataDir)) {
            StringWriter text = new StringWriter();
            MockRegistryMain.printBanner(new PrintWriter(text, true), registry);
            List<String> lines = text.toString().lines().toList();

            String expected = Certificates.displayFingerprint(registry.keyring().authority().certificate());
            assertTrue(expected.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), expected);
            assertTrue(lines.contains(MockRegistryMain.FINGERPRINT + expected), text.toString());
            assertEquals(String.format(MockRegistryMain.LISTENING, registry.baseUri()), lines.get(lines.size() - 1));
        }
    }
}
