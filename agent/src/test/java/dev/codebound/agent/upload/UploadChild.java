package dev.codebound.agent.upload;

import dev.codebound.agent.spool.Spool;
import java.nio.file.Path;
import java.time.Clock;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A separate agent process for {@link KillAndResumeTest}: uploads a spool slowly, with real time,
 * until the test kills it.
 *
 * <p>Arguments: spool directory, tus endpoint, chunk size, rate limit in bytes per second.
 */
public final class UploadChild {
    private UploadChild() {}

    public static void main(String[] args) throws Exception {
        try (Spool spool = Spool.open(Path.of(args[0]), Clock.systemUTC())) {
            UploadConfig config = UploadConfig.builder(HttpUrl.get(args[1]))
                    .chunkSize(Integer.parseInt(args[2]))
                    .creationWithUploadLimit(0)
                    .rateLimit(Long.parseLong(args[3]))
                    .parallelism(1)
                    .build();
            new Uploader(config, new OkHttpClient(), spool, ProgressListener.NONE).runOnce();
        }
    }
}
