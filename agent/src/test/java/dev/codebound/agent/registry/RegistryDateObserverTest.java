package dev.codebound.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.station.RegistryClock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The station measures its clock against the Date of every registry answer, and keeps it cheaply. */
class RegistryDateObserverTest {
    @TempDir
    Path temp;

    private static String httpDate(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
    }

    @Test
    void aRegistryTenMinutesBehindMeansThisClockIsTenMinutesAhead() throws Exception {
        RegistryClock clock = new RegistryClock(temp.resolve("registry-clock.properties"));
        OkHttpClient client = new OkHttpClient.Builder().addNetworkInterceptor(new RegistryDateObserver(clock))
                .build();
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getLoopbackAddress(), 0);
            server.enqueue(new MockResponse.Builder().setHeader("Date",
                    httpDate(Instant.now().minus(Duration.ofMinutes(10)))).body("{}").build());
            try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
                assertEquals(200, response.code());
            }
        }
        Duration skew = new RegistryClock(temp.resolve("registry-clock.properties")).last().orElseThrow().skew();
        assertTrue(skew.minus(Duration.ofMinutes(10)).abs().compareTo(Duration.ofSeconds(5)) < 0, skew::toString);
    }

    @Test
    void eachAnswerIsMeasuredByItsOwnDate() throws Exception {
        Path file = temp.resolve("registry-clock.properties");
        OkHttpClient client = new OkHttpClient.Builder()
                .addNetworkInterceptor(new RegistryDateObserver(new RegistryClock(file))).build();
        Instant now = Instant.now();
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getLoopbackAddress(), 0);
            // Two answers with one Date (the second served from the observer's memory of the first), then a
            // registry whose clock jumped an hour ahead: the jump must be seen, not the remembered date.
            for (Instant date : new Instant[] {now, now, now.plus(Duration.ofHours(1))}) {
                server.enqueue(new MockResponse.Builder().setHeader("Date", httpDate(date)).body("{}").build());
                try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build())
                        .execute()) {
                    assertEquals(200, response.code());
                }
            }
        }
        Duration skew = new RegistryClock(file).last().orElseThrow().skew();
        assertTrue(skew.plus(Duration.ofHours(1)).abs().compareTo(Duration.ofSeconds(5)) < 0, skew::toString);
    }

    @Test
    void theRecordIsRewrittenOnlyWhenTheSkewMovesOrGetsOld() throws Exception {
        Path file = temp.resolve("registry-clock.properties");
        RegistryClock clock = new RegistryClock(file);
        Instant local = Instant.parse("2026-06-01T12:00:00Z");
        clock.observe(local, local.minusSeconds(30));
        String first = Files.readString(file);
        clock.observe(local.plusSeconds(60), local.plusSeconds(29));
        assertEquals(first, Files.readString(file), "a change under the Date header's resolution is not news");

        clock.observe(local.plusSeconds(120), local.plusSeconds(120));
        assertEquals(Duration.ZERO, new RegistryClock(file).last().orElseThrow().skew(), "a material change is kept");
        clock.observe(local.plus(Duration.ofHours(2)), local.plus(Duration.ofHours(2)));
        assertEquals(local.plus(Duration.ofHours(2)), new RegistryClock(file).last().orElseThrow().measuredAt(),
                "an old measurement is refreshed");
    }

    @Test
    void aDamagedRecordIsNoMeasurement() throws Exception {
        Path file = temp.resolve("registry-clock.properties");
        Files.writeString(file, "skew-millis=soon\n");
        assertTrue(new RegistryClock(file).last().isEmpty());
    }
}
