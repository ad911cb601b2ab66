package dev.codebound.agent.watch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Which code a photo is sealed for under {@code watch --pair-with-last-code}, decided so that a
 * photo can never be sealed for the wrong graduate: one scan opens a pairing for one photo.
 *
 * <pre>
 *            scan                         first new photo arrives (the photo is bound to the code)
 *  CLOSED ─────────▶ OPEN(code) ──────────────────────────────────────────────────────▶ CLOSED
 *                     │  ▲  │ a new scan: this pairing closes (NEW_SCAN) and the new one opens
 *                     │  └──┘
 *                     └── refused scan, scanner input ended, idle timeout, watch stopped ──▶ CLOSED
 * </pre>
 *
 * <p>A photo is decided when the hot folder first sees it, not when it is ready: the photo a
 * camera is still writing when the next graduate's code is scanned belongs to the earlier moment.
 * Every file in the folder when a pairing opens (whatever its name: a camera may write a
 * {@code .part} file and rename it later, which keeps its file identity) is recorded, and none of
 * them can be bound to that pairing. A photo arriving while no pairing is open is never bound to
 * a later one: it is {@link Unpaired} for good, and the watch moves it to {@code rejected/}.
 *
 * <p>The state lives only in memory, on purpose: a pairing does not survive a restart. After a
 * crash or a stop nobody can tell whether the graduate whose code was scanned is still in front of
 * the camera, so the next watch starts with no pairing and the code must be scanned again.
 *
 * <p>Every transition returns the {@link Event}s it caused, for the caller to print and to write to
 * the transfer log. Not thread-safe: the watch loop drives it; the scanner thread only hands lines
 * over ({@link ScannerInput}).
 */
public final class PhotoPairing {
    /** Why a pairing closed; the names are the transfer log's reason codes. */
    public enum CloseReason {
        /** A photo arrived and was bound to the pairing's code. */
        PHOTO_PAIRED,
        /** Another code was scanned before any photo arrived. */
        NEW_SCAN,
        /** A scan was refused (unreadable, another school's, expired, revoked...). */
        SCAN_REFUSED,
        /** The scanner's input ended: no later scan can be read. */
        SCANNER_ENDED,
        /** No photo arrived within the idle timeout. */
        IDLE_TIMEOUT,
        /** The watch stopped. */
        WATCH_STOPPED
    }

    /** Why a photo is not paired with any code; the names are the transfer log's reason codes. */
    public enum UnpairedReason {
        /** No pairing was open when the photo arrived (none scanned, or it closed or was used by a photo). */
        NO_OPEN_PAIRING,
        /** The photo was already in the folder when the open pairing's code was scanned. */
        ARRIVED_BEFORE_SCAN
    }

    /** Why a pairing closed, in words, completing "pairing with code X closed without a photo: ...". */
    public static String explain(CloseReason reason, Duration idleTimeout) {
        return switch (reason) {
            case NEW_SCAN -> "another code was scanned";
            case SCAN_REFUSED -> "the last scan was refused, so who is in front of the camera is not known; scan "
                    + "their code again before the photo";
            case SCANNER_ENDED -> "the scanner input ended";
            case IDLE_TIMEOUT -> "no photo arrived within " + idleTimeout.toSeconds() + " s; scan the code again "
                    + "before the photo";
            case WATCH_STOPPED -> "the watch stopped";
            case PHOTO_PAIRED -> "a photo was paired with it";
        };
    }

    /** Why a photo is paired with no code, in words. */
    public static String explain(UnpairedReason reason) {
        return switch (reason) {
            case NO_OPEN_PAIRING -> "no pairing was open when it arrived (every photo needs its own scan just "
                    + "before it)";
            case ARRIVED_BEFORE_SCAN -> "it was already in the folder when the open pairing's code was scanned";
        };
    }

    /** Something the caller must print and record. */
    public sealed interface Event {}

    /** A scan opened a pairing for {@code code}. */
    public record Opened(ScannedCodes.Scanned code) implements Event {}

    /** The pairing for {@code codeId} closed without a photo. */
    public record Closed(String codeId, CloseReason reason) implements Event {}

    /** {@code photo} arrived and is bound to {@code code}; the pairing closed ({@link CloseReason#PHOTO_PAIRED}). */
    public record Paired(Path photo, ScannedCodes.Scanned code) implements Event {}

    /** {@code photo} arrived and is bound to no code. */
    public record Unpaired(Path photo, UnpairedReason reason) implements Event {}

    private record Open(ScannedCodes.Scanned code, long openedAtNanos, Set<Object> presentAtScan) {}

    private final Duration idleTimeout;
    private final LongSupplier nanoTime;
    private final Map<Path, Event> decided = new HashMap<>();
    private Open open;

    /**
     * @param idleTimeout how long a pairing waits for its photo
     * @param nanoTime    a monotonic clock ({@code System::nanoTime}), so that a wall-clock change
     *                    neither extends nor ends a pairing
     */
    public PhotoPairing(Duration idleTimeout, LongSupplier nanoTime) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive");
        }
        this.idleTimeout = idleTimeout;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * A code was scanned and verified: opens a pairing for it, closing the open one.
     *
     * @param presentAtScan the {@linkplain HotFolder#identities() identities} of every file in the
     *                      folder now; none of them will be bound to this pairing
     */
    public List<Event> scanned(ScannedCodes.Scanned code, Set<Object> presentAtScan) {
        List<Event> events = new ArrayList<>(close(CloseReason.NEW_SCAN));
        open = new Open(Objects.requireNonNull(code, "code"), nanoTime.getAsLong(), Set.copyOf(presentAtScan));
        events.add(new Opened(code));
        return events;
    }

    /** A scan was refused: the graduate in front of the camera is not known, so the open pairing closes. */
    public List<Event> scanRefused() {
        return close(CloseReason.SCAN_REFUSED);
    }

    /** The scanner's input ended. */
    public List<Event> scannerEnded() {
        return close(CloseReason.SCANNER_ENDED);
    }

    /** The watch stops. */
    public List<Event> stopped() {
        return close(CloseReason.WATCH_STOPPED);
    }

    /** Closes the open pairing if no photo arrived within the idle timeout. Call it before {@link #arrived}. */
    public List<Event> expireIfIdle() {
        if (open != null && nanoTime.getAsLong() - open.openedAtNanos() >= idleTimeout.toNanos()) {
            return close(CloseReason.IDLE_TIMEOUT);
        }
        return List.of();
    }

    /**
     * The hot folder saw {@code photo} for the first time: binds it to the open pairing's code
     * (closing the pairing) unless it was in the folder when that code was scanned.
     *
     * @param identity the photo's {@linkplain HotFolder#identity(Path) file identity}
     */
    public Event arrived(Path photo, Object identity) {
        Event decision;
        if (open == null) {
            decision = new Unpaired(photo, UnpairedReason.NO_OPEN_PAIRING);
        } else if (open.presentAtScan().contains(identity)) {
            decision = new Unpaired(photo, UnpairedReason.ARRIVED_BEFORE_SCAN);
        } else {
            decision = new Paired(photo, open.code());
            open = null;
        }
        decided.put(photo, decision);
        return decision;
    }

    /**
     * The code {@code photo} is bound to, if it {@linkplain #arrived arrived} while a pairing was
     * open; empty for a photo bound to none or never seen arriving (which is never guessed at).
     */
    public Optional<ScannedCodes.Scanned> codeFor(Path photo) {
        return decided.get(photo) instanceof Paired paired ? Optional.of(paired.code()) : Optional.empty();
    }

    /** Why {@code photo} is bound to no code ({@link UnpairedReason#NO_OPEN_PAIRING} if never seen arriving). */
    public UnpairedReason whyUnpaired(Path photo) {
        return decided.get(photo) instanceof Unpaired unpaired ? unpaired.reason() : UnpairedReason.NO_OPEN_PAIRING;
    }

    /** Forgets the decision about a photo that was handled or left the folder. */
    public void forget(Path photo) {
        decided.remove(photo);
    }

    private List<Event> close(CloseReason reason) {
        if (open == null) {
            return List.of();
        }
        Closed closed = new Closed(open.code().codeId(), reason);
        open = null;
        return List.of(closed);
    }
}
