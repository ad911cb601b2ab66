package dev.codebound.server.registry;

import dev.codebound.server.postgres.Database;
import dev.codebound.server.postgres.PostgresCodeStore;
import dev.codebound.server.postgres.PostgresEnrollmentTokenStore;
import dev.codebound.server.postgres.PostgresServer;
import dev.codebound.server.postgres.PostgresStationStore;
import dev.codebound.server.postgres.SchemaMigrations;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL stores keep the record stores' contracts, on a real PostgreSQL; opening again is
 * another node (or a restart) over the same database.
 */
class PostgresRecordStoresTest extends RecordStoresContract {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private Database database;

    @BeforeEach
    void migrate() throws Exception {
        database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
    }

    @Override
    StationStore openStations() throws Exception {
        return new PostgresStationStore(database, Duration.ofSeconds(1));
    }

    @Override
    EnrollmentTokenStore openTokens() {
        return new PostgresEnrollmentTokenStore(database);
    }

    @Override
    CodeStore openCodes() throws Exception {
        return new PostgresCodeStore(database, Duration.ofSeconds(1));
    }
}
