package dev.codebound.server.registry;

import dev.codebound.server.transparency.FileLogStorage;
import dev.codebound.server.transparency.LogStorage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The storage a {@link Registry} runs over: one seam per kind of state, each with its contract
 * written on its interface. The embedded set keeps everything in files under one directory; the
 * shared set ({@code SharedStorage#registryStores}) keeps it in a database and an object store, so that several
 * registry nodes serve the same registry.
 *
 * @param stations    enrolled stations
 * @param tokens      enrollment tokens (hashes only)
 * @param codes       issued collection codes (public fields only)
 * @param photos      accepted envelopes and their records
 * @param log         the transparency log's entries and latest checkpoint
 * @param trustBundle the published signed trust bundle
 */
public record RegistryStores(StationStore stations, EnrollmentTokenStore tokens, CodeStore codes, PhotoArchive photos,
        LogStorage log, TrustBundleStore trustBundle) {
    /**
     * Opens (creating where missing) the embedded stores under {@code root}:
     *
     * <pre>
     * stations/          one JSON record per enrolled station ({@link FileStationStore})
     * tokens/            one JSON record per enrollment token, hash only ({@link FileEnrollmentTokenStore})
     * codes/             one JSON record per issued collection code ({@link FileCodeStore})
     * photos/            accepted envelopes and their records ({@link FilePhotoArchive})
     * log/               the transparency log ({@link FileLogStorage})
     * trust-bundle.json  the latest signed trust bundle ({@link FileTrustBundleStore})
     * </pre>
     */
    public static RegistryStores embedded(Path root) throws IOException {
        StationStore stations = new FileStationStore(root.resolve("stations"));
        EnrollmentTokenStore tokens = new FileEnrollmentTokenStore(root.resolve("tokens"));
        CodeStore codes = new FileCodeStore(root.resolve("codes"));
        PhotoArchive photos = new FilePhotoArchive(root.resolve("photos"));
        try {
            return new RegistryStores(stations, tokens, codes, photos, FileLogStorage.open(root.resolve("log")),
                    new FileTrustBundleStore(root.resolve("trust-bundle.json")));
        } catch (IOException | RuntimeException e) {
            photos.close();
            throw e;
        }
    }
}
