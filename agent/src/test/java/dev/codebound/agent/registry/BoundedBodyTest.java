package dev.codebound.agent.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** Registry answers are read up to a limit, never further. */
class BoundedBodyTest {
    private final OkHttpClient client = new OkHttpClient();

    private byte[] fetch(MockResponse answer, long limit) throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getLoopbackAddress(), 0);
            server.enqueue(answer);
            try (Response response = client.newCall(new Request.Builder().url(server.url("/bundle")).build())
                    .execute()) {
                return BoundedBody.read(response, limit);
            }
        }
    }

    @Test
    void anAnswerWithinTheLimitIsReadWhole() throws Exception {
        assertArrayEquals(new byte[1024], fetch(new MockResponse.Builder().body(new Buffer().write(new byte[1024]))
                .build(), 1024));
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
        ResponseTooLargeException refused = assertThrows(ResponseTooLargeException.class, () -> fetch(
                new MockResponse.Builder().body(new Buffer().write(new byte[4096])).build(), 1024));
        assertTrue(refused.getMessage().startsWith("GET http://"), refused.getMessage());
        assertTrue(refused.getMessage().contains("/bundle answered with more than 1024 bytes"), refused.getMessage());
    }

    @Test
    void anUndeclaredLengthIsCutOffJustPastTheLimit() {
        assertThrows(ResponseTooLargeException.class, () -> fetch(new MockResponse.Builder()
                .chunkedBody(new Buffer().write(new byte[4096]), 512).build(), 1024));
    }
}
