package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.server.registry.StationDirectory.Station;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded station store's revoked serials: kept with each revocation, and rebuilt at open. */
class FileStationStoreTest {
    private static final Instant T0 = Instant.parse("2027-06-01T08:00:00Z");

    @TempDir
    Path dir;

    private static Station station(String id, String serial, String sm2Serial) {
        return new Station(id, serial, "ff".repeat(32), T0, T0.plusSeconds(86_400), null, null, sm2Serial);
    }

    @Test
    void aRevocationListsBothCertificatesAtOnceAndAfterReopening() throws Exception {
        FileStationStore store = new FileStationStore(dir);
        store.add(station("ST-AAAAAAAA", "0a", "0b"));
        store.add(station("ST-BBBBBBBB", "1a", null));
        assertEquals(Set.of(), store.revokedSerials());

        store.revoke("ST-AAAAAAAA", T0.plusSeconds(60), "stolen");
        assertEquals(Set.of("0a", "0b"), store.revokedSerials(), "the P-256 and the SM2 certificate");
        store.revoke("ST-BBBBBBBB", T0.plusSeconds(90), "lost");
        assertEquals(Set.of("0a", "0b", "1a"), store.revokedSerials());

        assertEquals(Set.of("0a", "0b", "1a"), new FileStationStore(dir).revokedSerials(), "rebuilt from the records");
    }

    @Test
    void concurrentRevocationsOfDifferentStationsAreAllListed() throws Exception {
        FileStationStore store = new FileStationStore(dir);
        int stations = 16;
        for (int i = 0; i < stations; i++) {
            store.add(station("ST-" + String.format("%08d", i), Integer.toHexString(0x100 + i), null));
        }
        Thread[] revokers = new Thread[stations];
        for (int i = 0; i < stations; i++) {
            String id = "ST-" + String.format("%08d", i);
            revokers[i] = new Thread(() -> {
                try {
                    store.revoke(id, T0.plusSeconds(60), "batch");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            revokers[i].start();
        }
        for (Thread revoker : revokers) {
            revoker.join();
        }
        assertEquals(stations, store.revokedSerials().size(), store.revokedSerials().toString());
    }
}
