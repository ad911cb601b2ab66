package dev.codebound.server.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded stores keep the record stores' contracts; opening again reads the same directories. */
class FileRecordStoresTest extends RecordStoresContract {
    @TempDir
    Path dir;

    @Override
    StationStore openStations() throws Exception {
        return new FileStationStore(dir.resolve("stations"));
    }

    @Override
    EnrollmentTokenStore openTokens() throws Exception {
        return new FileEnrollmentTokenStore(dir.resolve("tokens"));
    }

    @Override
    CodeStore openCodes() throws Exception {
        return new FileCodeStore(dir.resolve("codes"));
    }
}
