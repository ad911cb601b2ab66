package dev.codebound.server.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TestRegistries;
import dev.codebound.server.TlsClients;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stock tus client (tus-java-client, HttpURLConnection, POST + X-HTTP-Method-Override) uploads end to end. */
class TusJavaClientTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    private static byte[] upload(TusClient client, Path file) throws Exception {
        TusUpload upload = new TusUpload(file.toFile());
        upload.setMetadata(Map.of("filename", "envelope.cms"));
        TusUploader uploader = client.createUpload(upload);
        uploader.setChunkSize(16 * 1024);
        uploader.setRequestPayloadSize(100 * 1024);
        while (uploader.uploadChunk() > -1) {
            // Each call sends one chunk; the loop ends at the upload's length.
        }
        uploader.finish();
        assertEquals(Files.size(file), uploader.getOffset());
        String path = uploader.getUploadURL().getPath();
        return path.substring("/files/".length()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private Path sample(int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(work.resolve("envelope-" + size + ".cms"), bytes);
    }

    private void assertStored(Path file, byte[] id) throws Exception {
        Path data = dataDir.resolve("uploads")
                .resolve(new String(id, java.nio.charset.StandardCharsets.US_ASCII) + ".data");
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(data));
    }

    @Test
    void uploadsInPlainMode() throws Exception {
        try (MockRegistry registry = TestRegistries.startPlain(dataDir)) {
            TusClient client = new TusClient();
            client.setUploadCreationURL(registry.baseUri().resolve("/files/").toURL());
            client.setHeaders(Map.of("Codebound-Dev-Station", "station-stock"));
            Path file = sample(300 * 1024 + 17);
            assertStored(file, upload(client, file));
        }
    }

    @Test
    void uploadsOverMutualTls() throws Exception {
        try (MockRegistry registry = MockRegistry.start(MockRegistryConfig.builder().port(0).dataDir(dataDir)
                .storageThreads(2).eventLoopThreads(1).completionHandler(TestRegistries.ACCEPT_ANY_BYTES).build())) {
            SSLContext context = TlsClients.context(registry.keyring(),
                    TlsClients.station(registry.keyring(), "station-stock"));
            TusClient client = new TusClient() {
                @Override
                public void prepareConnection(HttpURLConnection connection) {
                    super.prepareConnection(connection);
                    ((HttpsURLConnection) connection).setSSLSocketFactory(context.getSocketFactory());
                }
            };
            client.setUploadCreationURL(registry.baseUri().resolve("/files/").toURL());
            Path file = sample(150 * 1024);
            assertStored(file, upload(client, file));
        }
    }
}
