package dev.codebound.bench.desk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.cli.AgentCommand;
import dev.codebound.agent.cli.AgentEnvironment;
import dev.codebound.agent.desk.DeskServer;
import dev.codebound.agent.desk.DeskService;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.upload.UploadSettings;
import dev.codebound.bench.Photos;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.server.MockRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The capture desk's latency ({@code java -jar codebound-bench.jar desk [--photos N] [--warmup N]
 * [--work DIR]}; without {@code --work} a scratch directory, deleted at the end): from a spec photo
 * finished in the hot folder (renamed in, as camera software finishes a file) to its verdict visible
 * through the desk page's API with the envelope in the spool. A {@code serve} desk runs in this
 * process with its defaults (settle 100 ms, poll 50 ms) against a mock registry with mutual TLS on
 * loopback; for every photo the code is scanned through the page's API first, as a keyboard-wedge
 * scanner does, and the clock starts when the photo appears. The page's API is polled every 5 ms.
 * The upload window is kept closed so that uploads do not share the two cores with the capture being
 * measured. Prints the median, the 95th percentile and the extremes; nothing asserts a time.
 */
public final class DeskLatency {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private DeskLatency() {}

    public static void main(String[] args) throws Exception {
        int photos = 120;
        int warmup = 10;
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--photos" -> photos = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar codebound-bench.jar desk [--photos 120] [--warmup 10] "
                            + "[--work DIR]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        boolean scratch = work == null;
        if (scratch) {
            work = Files.createTempDirectory("codebound-desk-bench");
        }
        List<Double> millis;
        try {
            millis = measure(work, photos, warmup);
        } finally {
            if (scratch) {
                deleteTree(work);
            }
        }
        Collections.sort(millis);
        System.out.printf(Locale.ROOT, "desk latency, photo finished in the hot folder -> verdict on the page and "
                + "envelope in the spool, %d photos (after %d warm-up), load average at the end %.2f%n",
                millis.size(), warmup, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "  median %.0f ms   p95 %.0f ms   min %.0f ms   max %.0f ms%n",
                percentile(millis, 50), percentile(millis, 95), millis.get(0), millis.get(millis.size() - 1));
    }

    private static List<Double> measure(Path work, int photos, int warmup) throws Exception {
        try (MockRegistry registry = Fleet.registry(work.resolve("registry"))) {
            Path home = work.resolve("station");
            Map<String, String> environment = Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString(),
                    "CODEBOUND_KEY_PASSPHRASE", UUID.randomUUID().toString());
            agent(environment, "init", "--registry-url", registry.baseUri().toString(), "--registry-ca",
                    registry.caCertificateFile().toString(), "--schools", "10337");
            Map<String, String> enrolling = new HashMap<>(environment);
            enrolling.put("CODEBOUND_ENROLLMENT_TOKEN", registry.registry().enrollment()
                    .issueToken(Duration.ofHours(1), "desk bench").token());
            agent(enrolling, "enroll");
            List<IssuedCode> codes = Fleet.codes(registry, warmup + photos, 1);

            StationContext station = StationContext.load(new StationHome(home), environment, Clock.systemUTC());
            Path folder = Files.createDirectories(work.resolve("camera"));
            LocalTime later = LocalTime.now().plusHours(3).withSecond(0).withNano(0);
            String closed = later + "-" + later.plusMinutes(30);
            try (Spool spool = Spool.open(station.home().spool(), Clock.systemUTC(), "serve");
                    TransferLog log = TransferLog.open(station.home(), Clock.systemUTC(), station.credentials())) {
                DeskService desk = DeskService.start(station, new DeskService.Settings(folder, Duration.ofMillis(100),
                        Duration.ofSeconds(60), Duration.ofMillis(50), Duration.ofSeconds(120), true), spool, log,
                        DeskService.configuredUploads(station, () -> new UploadSettings.Overrides(closed, null, null)),
                        Duration.ofSeconds(60));
                try (DeskServer server = DeskServer.start(desk, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        0), station.home().deskToken(), Clock.systemUTC())) {
                    Page page = new Page(server.url(), Files.readString(station.home().deskToken()).strip());
                    List<Double> measured = new ArrayList<>();
                    for (int i = 0; i < codes.size(); i++) {
                        double latency = one(page, folder, codes.get(i), Photos.jpeg(1000 + i), i);
                        if (i >= warmup) {
                            measured.add(latency);
                        }
                    }
                    return measured;
                } finally {
                    desk.stop(Duration.ofSeconds(10));
                }
            }
        }
    }

    /** Scans {@code code}, drops the photo in and returns the milliseconds until the page shows it spooled. */
    private static double one(Page page, Path folder, IssuedCode code, byte[] photo, int number) throws Exception {
        page.post("/api/scan", JSON.createObjectNode().put("code", code.text()).toString());
        while (!code.codeId().equals(page.state().at("/pairing/codeId").asText(null))) {
            Thread.sleep(5);
        }
        Path partial = folder.resolve(".IMG_" + number + ".jpg.part");
        Files.write(partial, photo);
        long start = System.nanoTime();
        Files.move(partial, folder.resolve("IMG_" + number + ".jpg"), StandardCopyOption.ATOMIC_MOVE);
        while (true) {
            JsonNode state = page.state();
            if (code.codeId().equals(state.at("/photo/codeId").asText(null))) {
                if (!state.at("/photo/verdict").asText().startsWith("accepted")) {
                    throw new IllegalStateException("photo " + number + " was not accepted: " + state.get("photo"));
                }
                for (JsonNode entry : state.get("queue")) {
                    if (entry.get("codeId").asText().equals(code.codeId())) {
                        return (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            Thread.sleep(5);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static double percentile(List<Double> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void agent(Map<String, String> environment, String... args) {
        int exit = AgentCommand.commandLine(new AgentEnvironment(environment, new ByteArrayInputStream(new byte[0]),
                false)).execute(args);
        if (exit != 0) {
            throw new IllegalStateException("codebound-agent " + args[0] + " failed with exit code " + exit);
        }
    }

    /** The desk page's API, logged in like its own page. */
    private static final class Page {
        private final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).build();
        private final String base;
        private final String cookie;
        private String csrf;

        Page(String url, String token) throws IOException {
            base = url.substring(0, url.length() - 1);
            Request login = new Request.Builder().url(base + "/login").header("Origin", base)
                    .post(new FormBody.Builder().add("token", token).build()).build();
            try (Response response = http.newCall(login).execute()) {
                String setCookie = response.header("Set-Cookie");
                if (setCookie == null) {
                    throw new IOException("the desk page refused the token");
                }
                cookie = setCookie.substring(0, setCookie.indexOf(';'));
            }
            state();
        }

        JsonNode state() throws IOException {
            Request request = new Request.Builder().url(base + "/api/state").header("Cookie", cookie).build();
            try (Response response = http.newCall(request).execute()) {
                JsonNode state = JSON.readTree(response.body().bytes());
                csrf = state.get("csrf").asText();
                return state;
            }
        }

        void post(String path, String json) throws IOException {
            Request request = new Request.Builder().url(base + path).header("Cookie", cookie).header("Origin", base)
                    .header("X-CSRF-Token", csrf).post(RequestBody.create(json, JSON_TYPE)).build();
            try (Response response = http.newCall(request).execute()) {
                if (!response.isSuccessful()) {
                    throw new IOException(path + " answered " + response.code() + ": " + response.body().string());
                }
            }
        }
    }
}
