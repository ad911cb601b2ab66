package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaMigrationsTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @Test
    void nodesStartingAtOnceApplyEachMigrationOnce() throws Exception {
        Database database = POSTGRES.newDatabase();
        int known = SchemaMigrations.known().size();
        ExecutorService nodes = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Integer>>> starts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                starts.add(nodes.submit(() -> SchemaMigrations.apply(database)));
            }
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> start : starts) {
                applied.addAll(start.get());
            }
            Collections.sort(applied);
            List<Integer> once = new ArrayList<>();
            for (int version = 1; version <= known; version++) {
                once.add(version);
            }
            assertEquals(once, applied, "every version applied by exactly one node");
        } finally {
            nodes.shutdownNow();
        }
        assertEquals(List.of(), SchemaMigrations.apply(database), "a restart finds nothing to do");
    }

    @Test
    void anEditedMigrationIsRefused() throws Exception {
        Database database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
        database.transaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1");
            }
        });
        IOException refused = assertThrows(IOException.class, () -> SchemaMigrations.apply(database));
        assertTrue(refused.getMessage().contains("V1__registry_records.sql differs"), refused.getMessage());
    }

    @Test
    void aDatabaseOfANewerRegistryIsRefused() throws Exception {
        Database database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
        database.transaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("INSERT INTO schema_migrations (version, name, sha256) "
                        + "VALUES (999, 'V999__future.sql', 'x')");
            }
        });
        IOException refused = assertThrows(IOException.class, () -> SchemaMigrations.apply(database));
        assertTrue(refused.getMessage().contains("schema version 999, newer than this registry knows"),
                refused.getMessage());
    }
}
