package dev.codebound.server.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.server.registry.CodeBook.CodeRecord;
import dev.codebound.server.registry.StationDirectory.Station;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes over one database: a revocation made on one reaches the other's in-memory view. */
class PostgresSharedViewTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    private static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");
    private static final Duration NEVER_ON_ITS_OWN = Duration.ofDays(1);

    private Database database;

    @BeforeEach
    void migrate() throws Exception {
        database = POSTGRES.newDatabase();
        SchemaMigrations.apply(database);
    }

    @Test
    void aStationRevokedOnOneNodeIsRevokedOnTheOtherAfterItsRefresh() throws Exception {
        PostgresStationStore first = new PostgresStationStore(database, NEVER_ON_ITS_OWN);
        PostgresStationStore second = new PostgresStationStore(database, NEVER_ON_ITS_OWN);
        first.add(new Station("ST-AAAAAAAA", "0a", "ff".repeat(32), T0, T0.plusSeconds(86_400), null, null, "0b"));
        second.refresh();
        assertFalse(second.find("ST-AAAAAAAA").orElseThrow().revoked());
        assertEquals(Set.of(), second.revokedSerials());

        first.revoke("ST-AAAAAAAA", T0.plusSeconds(60), "stolen");
        assertTrue(first.find("ST-AAAAAAAA").orElseThrow().revoked(), "the revoking node refuses it at once");
        assertEquals(Set.of("0a", "0b"), first.revokedSerials(), "both of its certificates, at once");
        assertEquals(Set.of(), second.revokedSerials(), "not before the other node's refresh");
        second.refresh();
        assertTrue(second.find("ST-AAAAAAAA").orElseThrow().revoked(), "the other node after its refresh");
        assertEquals(Set.of("0a", "0b"), second.revokedSerials(), "its revoked serials with it");
    }

    /**
     * A station enrolled on one node can upload through another at once: the other node's view may be
     * older than the enrollment, and an envelope from a station it does not know would be refused for
     * good (ENVELOPE_STATION_UNKNOWN), so acceptance asks for the station as recorded, which reads a
     * miss from the database. The request path's lookups stay in memory.
     */
    @Test
    void aStationEnrolledOnOneNodeIsKnownToTheOtherBeforeItsRefresh() throws Exception {
        PostgresStationStore first = new PostgresStationStore(database, NEVER_ON_ITS_OWN);
        PostgresStationStore second = new PostgresStationStore(database, NEVER_ON_ITS_OWN);
        Station enrolled = new Station("ST-BBBBBBBB", "0c", "ee".repeat(32), T0, T0.plusSeconds(86_400), null, null,
                null);
        first.add(enrolled);

        assertTrue(second.find("ST-BBBBBBBB").isEmpty(), "not in the other node's view before its refresh");
        assertEquals(enrolled, second.findRecorded("ST-BBBBBBBB").orElseThrow());
        assertEquals(enrolled, second.find("ST-BBBBBBBB").orElseThrow(), "kept in the view once read");
        assertTrue(second.findRecorded("ST-NEVERSEEN").isEmpty());
    }

    @Test
    void aCodeRevokedOnOneNodeIsInTheOtherNodesRevocationsAfterItsRefresh() throws Exception {
        PostgresCodeStore first = new PostgresCodeStore(database, NEVER_ON_ITS_OWN);
        PostgresCodeStore second = new PostgresCodeStore(database, NEVER_ON_ITS_OWN);
        first.add(new CodeRecord("AAAAAAAAAAAAAAAA", "text", 10337, 2027, T0, T0.plusSeconds(86_400), T0, null, null, null));
        first.revoke("AAAAAAAAAAAAAAAA", T0.plusSeconds(60));
        assertEquals(Set.of(), second.revokedCodeIds());
        second.refresh();
        assertEquals(Set.of("AAAAAAAAAAAAAAAA"), second.revokedCodeIds());
    }
}
