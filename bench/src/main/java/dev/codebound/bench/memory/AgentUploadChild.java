package dev.codebound.bench.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.upload.MutualTls;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.StationCredentials;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The agent in a JVM of its own (run with {@code -Xmx64m}): spools a sealed envelope and uploads it
 * with the real uploader over mutual TLS, then prints one line {@code RESULT {json}}.
 *
 * <p>Arguments: spool dir, envelope file, code id, tus endpoint, station key PEM, station
 * certificate PEM, registry CA PEM, GC log file.
 */
public final class AgentUploadChild {
    private AgentUploadChild() {}

    public static void main(String[] args) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        try (HeapWatch watch = new HeapWatch(Path.of(args[7]))) {
            var key = PemFiles.readPrivateKey(Path.of(args[4]), null);
            var chain = PemFiles.readCertificates(Path.of(args[5]));
            var ca = PemFiles.readCertificates(Path.of(args[6])).get(0);
            long t0 = System.nanoTime();
            try (Spool spool = Spool.open(Path.of(args[0]), Clock.systemUTC())) {
                String stationId = new StationCredentials(key, chain.get(0)).stationId();
                SpoolEntry entry = spool.enqueue(Path.of(args[1]), args[2], stationId, "large.cms");
                long spooled = System.nanoTime();
                UploadRun run = new Uploader(UploadConfig.builder(HttpUrl.get(args[3])).build(),
                        MutualTls.create(key, List.of(chain.get(0)), ca).build(), spool, ProgressListener.NONE)
                        .runOnce();
                long uploaded = System.nanoTime();
                result.put("envelopeBytes", entry.info().length());
                result.put("delivered", run.delivered());
                result.put("state", spool.entry(entry.id()).orElseThrow().state().name());
                result.put("bytesSent", run.bytesSent());
                result.put("spoolSeconds", (spooled - t0) / 1e9);
                result.put("uploadSeconds", (uploaded - spooled) / 1e9);
            }
            result.putAll(watch.result());
        } catch (Throwable e) {
            result.put("error", e.toString());
        }
        System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
        System.out.flush();
        System.exit(result.containsKey("error") ? 1 : 0);
    }
}
