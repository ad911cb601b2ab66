package dev.codebound.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.agent.testing.FakeTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pairing state machine: one scan, one photo; every way a pairing ends; never an earlier code. */
class PhotoPairingTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final ScannedCodes.Scanned ANNA = scan("AAAAAAAAAAAAAAAA");
    private static final ScannedCodes.Scanned BORIS = scan("BBBBBBBBBBBBBBBB");
    private static final Path FIRST = Path.of("IMG_0001.jpg");
    private static final Path SECOND = Path.of("IMG_0002.jpg");

    private final FakeTime time = new FakeTime(Instant.parse("2026-06-20T09:00:00Z"));
    private final PhotoPairing pairing = new PhotoPairing(TIMEOUT, time::nanoTime);

    private static ScannedCodes.Scanned scan(String codeId) {
        return new ScannedCodes.Scanned(codeId, "text of " + codeId, Instant.parse("2026-06-20T09:00:00Z"));
    }

    @Test
    void aScanPairsTheNextPhotoOnlyAndTheSecondPhotoIsPairedWithNoCode() {
        assertEquals(List.of(new PhotoPairing.Opened(ANNA)), pairing.scanned(ANNA, Set.of()));
        assertEquals(new PhotoPairing.Paired(FIRST, ANNA), pairing.arrived(FIRST, "inode 1"));
        assertEquals(new PhotoPairing.Unpaired(SECOND, PhotoPairing.UnpairedReason.NO_OPEN_PAIRING),
                pairing.arrived(SECOND, "inode 2"));
        assertEquals(Optional.of(ANNA), pairing.codeFor(FIRST));
        assertEquals(Optional.empty(), pairing.codeFor(SECOND), "never the code of the photo before");
        assertEquals(PhotoPairing.UnpairedReason.NO_OPEN_PAIRING, pairing.whyUnpaired(SECOND));
    }

    @Test
    void aRefusedScanClosesThePairingSoThePhotoAfterItIsNotSealedForThePreviousCode() {
        pairing.scanned(ANNA, Set.of());
        assertEquals(List.of(new PhotoPairing.Closed(ANNA.codeId(), PhotoPairing.CloseReason.SCAN_REFUSED)),
                pairing.scanRefused());
        assertEquals(new PhotoPairing.Unpaired(FIRST, PhotoPairing.UnpairedReason.NO_OPEN_PAIRING),
                pairing.arrived(FIRST, "inode 1"));
        assertEquals(Optional.empty(), pairing.codeFor(FIRST));
    }

    @Test
    void theEndOfTheScannerInputClosesThePairing() {
        pairing.scanned(ANNA, Set.of());
        assertEquals(List.of(new PhotoPairing.Closed(ANNA.codeId(), PhotoPairing.CloseReason.SCANNER_ENDED)),
                pairing.scannerEnded());
        pairing.arrived(FIRST, "inode 1");
        assertEquals(Optional.empty(), pairing.codeFor(FIRST));
    }

    @Test
    void aPairingWithoutAPhotoExpiresAfterTheIdleTimeoutAndNotBefore() {
        pairing.scanned(ANNA, Set.of());
        time.advance(TIMEOUT.minusMillis(1));
        assertEquals(List.of(), pairing.expireIfIdle());
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of(new PhotoPairing.Closed(ANNA.codeId(), PhotoPairing.CloseReason.IDLE_TIMEOUT)),
                pairing.expireIfIdle());
        assertEquals(List.of(), pairing.expireIfIdle(), "closed once");
        pairing.arrived(FIRST, "inode 1");
        assertEquals(Optional.empty(), pairing.codeFor(FIRST));
    }

    @Test
    void aNewScanClosesTheUnusedPairingAndTheNextPhotoGetsTheNewCode() {
        pairing.scanned(ANNA, Set.of());
        assertEquals(List.of(new PhotoPairing.Closed(ANNA.codeId(), PhotoPairing.CloseReason.NEW_SCAN),
                new PhotoPairing.Opened(BORIS)), pairing.scanned(BORIS, Set.of()));
        pairing.arrived(FIRST, "inode 1");
        assertEquals(Optional.of(BORIS), pairing.codeFor(FIRST));
    }

    @Test
    void aPhotoAlreadyInTheFolderAtTheScanIsNeverPairedWithIt() {
        // Anna's photo was still being written (or waited unpaired) when Boris's code was scanned.
        pairing.scanned(BORIS, Set.of("inode 1"));
        assertEquals(new PhotoPairing.Unpaired(FIRST, PhotoPairing.UnpairedReason.ARRIVED_BEFORE_SCAN),
                pairing.arrived(FIRST, "inode 1"));
        assertEquals(new PhotoPairing.Paired(SECOND, BORIS), pairing.arrived(SECOND, "inode 2"),
                "the pairing stays open for the photo taken after the scan");
    }

    @Test
    void aPhotoThatArrivedWhileAPairingWasOpenKeepsItsCodeWhateverHappensNext() {
        pairing.scanned(ANNA, Set.of());
        pairing.arrived(FIRST, "inode 1");
        pairing.scanRefused();
        pairing.scannerEnded();
        time.advance(TIMEOUT.multipliedBy(2));
        assertEquals(List.of(), pairing.expireIfIdle());
        assertEquals(Optional.of(ANNA), pairing.codeFor(FIRST));
        pairing.forget(FIRST);
        assertEquals(Optional.empty(), pairing.codeFor(FIRST));
    }

    @Test
    void stoppingClosesTheOpenPairingAndNothingWhenNoneIsOpen() {
        assertEquals(List.of(), pairing.stopped());
        pairing.scanned(ANNA, Set.of());
        assertEquals(List.of(new PhotoPairing.Closed(ANNA.codeId(), PhotoPairing.CloseReason.WATCH_STOPPED)),
                pairing.stopped());
    }

    @Test
    void aPhotoNeverSeenArrivingHasNoCode() {
        pairing.scanned(ANNA, Set.of());
        assertEquals(Optional.empty(), pairing.codeFor(FIRST));
        assertEquals(PhotoPairing.UnpairedReason.NO_OPEN_PAIRING, pairing.whyUnpaired(FIRST));
    }

    @Test
    void theIdleTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PhotoPairing(Duration.ZERO, time::nanoTime));
    }
}
