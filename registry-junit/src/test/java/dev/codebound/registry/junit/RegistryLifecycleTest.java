package dev.codebound.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start and stop: a listening registry over a private temp directory, then nothing left behind. */
class RegistryLifecycleTest {
    private static int health(URI base) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void stoppingClosesThePortAndDeletesTheDataDirectory() throws Exception {
        CodeboundRegistry registry = CodeboundRegistry.builder().plain().build();
        registry.start();
        URI base = registry.baseUri();
        Path dataDir = registry.dataDir();
        assertEquals("127.0.0.1", base.getHost());
        assertTrue(registry.port() > 0);
        assertEquals(200, health(base));
        assertTrue(Files.isDirectory(dataDir.resolve("keys")));

        registry.stop();
        assertThrows(ConnectException.class, () -> health(base));
        assertFalse(Files.exists(dataDir), "the data directory is deleted");
        IllegalStateException stopped = assertThrows(IllegalStateException.class, registry::baseUri);
        assertTrue(stopped.getMessage().contains("not running"), stopped.getMessage());
    }

    @Test
    void plainModeUsesTheDevHeaderAndHasNoAdminToken() throws Exception {
        CodeboundRegistry registry = CodeboundRegistry.builder().plain().build();
        registry.start();
        try {
            assertTrue(registry.adminToken().isEmpty());
            assertEquals("http", registry.baseUri().getScheme());
            assertEquals(16, registry.issueCode().codeId().length(), "the admin API answers loopback clients");
            EnrolledStation station = registry.enrollStation();
            assertTrue(station.certificate().getSubjectX500Principal().getName().contains(station.stationId()));
        } finally {
            registry.stop();
        }
    }

    @Test
    void aRestartKeepsThePortAndTheData() throws Exception {
        CodeboundRegistry registry = CodeboundRegistry.builder().plain().build();
        registry.start();
        try {
            URI base = registry.baseUri();
            Path dataDir = registry.dataDir();
            IssuedCode code = registry.issueCode();
            registry.restart();
            assertEquals(base, registry.baseUri(), "clients keep the URL they were configured with");
            assertEquals(dataDir, registry.dataDir());
            assertEquals(200, health(base));
            registry.revokeCode(code.codeId());
            assertTrue(registry.server().registry().codes().find(code.codeId()).isPresent(),
                    "a code issued before the restart is still known");
        } finally {
            registry.stop();
        }
    }

    @Test
    void aDataDirectoryTheTestGaveOutlivesTheRegistryAndServesTheNext(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("registry");
        CodeboundRegistry first = CodeboundRegistry.builder().plain().dataDir(dataDir).build();
        first.start();
        X509Certificate ca = first.caCertificate();
        String codeId = first.issueCode().codeId();
        first.stop();
        first.stop();
        assertTrue(Files.isDirectory(dataDir.resolve("keys")), "the test's directory is left in place");

        CodeboundRegistry second = CodeboundRegistry.builder().plain().dataDir(dataDir).build();
        second.start();
        try {
            assertEquals(ca, second.caCertificate(), "the same keys");
            assertTrue(second.server().registry().codes().find(codeId).isPresent(), "the same codes");
        } finally {
            second.stop();
        }
    }
}
