package dev.codebound.agent.desk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.spool.SpoolEntry;
import dev.codebound.agent.station.RegistryClock;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.upload.Progress;
import dev.codebound.protocol.photo.check.Finding;
import dev.codebound.protocol.photo.check.PhotoMeasurements;
import dev.codebound.protocol.photo.check.PhotoReport;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the desk knows, for the desk page: the open pairing's code id (never a name or any other
 * part of the identity), the last photo with its verdict and measurements, the queue, the upload
 * schedule and progress, the station's health and recent notes. Written by the desk's threads,
 * read by the page's; every method is thread-safe.
 *
 * <p>The last photo's bytes are held here, in memory only, and replaced by the next photo.
 */
public final class DeskState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NOTES = 30;

    /** The last photo the desk took, with what became of it; {@code bytes} is null when it was not read. */
    private record LastPhoto(long number, String name, String codeId, Instant at, byte[] bytes, PhotoReport report,
            String entryId, String refusal) {}

    private record Note(Instant at, String level, String text) {}

    private record RegistryCheck(Instant at, boolean reachable, String problem) {}

    private final StationContext station;
    private final Spool spool;
    private final Deque<Note> notes = new ArrayDeque<>();
    private final Map<String, Progress> inFlight = new HashMap<>();
    private String openCode;
    private Instant openSince;
    private LastPhoto lastPhoto;
    private long photos;
    private RegistryCheck registry;
    private String window = "";
    private boolean windowOpen;
    private Instant nextUploadCheck;
    private String lastRun;
    private Instant lastRunAt;

    DeskState(StationContext station, Spool spool) {
        this.station = station;
        this.spool = spool;
    }

    synchronized void note(String text) {
        add("info", text);
    }

    synchronized void fail(String text) {
        add("error", text);
    }

    private void add(String level, String text) {
        notes.addFirst(new Note(station.clock().instant(), level, text));
        while (notes.size() > NOTES) {
            notes.removeLast();
        }
    }

    synchronized void scanned(String codeId) {
        add("info", "scanned code " + codeId);
    }

    synchronized void scanRefused(String reason) {
        add("error", reason);
    }

    synchronized void pairingOpened(String codeId) {
        openCode = codeId;
        openSince = station.clock().instant();
        add("info", "pairing open: the next photo is sealed for code " + codeId);
    }

    synchronized void pairingClosed(String codeId, String why) {
        if (codeId.equals(openCode)) {
            openCode = null;
            openSince = null;
        }
        add("info", "pairing with code " + codeId + " " + why);
    }

    synchronized void photoRejected(String name, String reason) {
        lastPhoto = new LastPhoto(++photos, name, null, station.clock().instant(), null, null, null, reason);
        add("error", "rejected " + name + ": " + reason);
    }

    synchronized void photoChecked(String name, String codeId, byte[] bytes, PhotoReport report, String entryId,
            String refusal) {
        lastPhoto = new LastPhoto(++photos, name, codeId, station.clock().instant(), bytes, report, entryId, refusal);
        add(refusal == null ? "info" : "error", refusal == null ? "spooled " + name + " for code " + codeId
                : "rejected " + name + ": " + refusal.replace(":" + System.lineSeparator() + "  ", ": ")
                        .replace(System.lineSeparator() + "  ", "; "));
    }

    synchronized void registryChecked(boolean reachable, String problem) {
        registry = new RegistryCheck(station.clock().instant(), reachable, problem);
    }

    synchronized void schedule(String window, boolean open, Instant nextCheck) {
        this.window = window;
        this.windowOpen = open;
        this.nextUploadCheck = nextCheck;
    }

    synchronized void uploadStarted(String entryId, long acknowledged, long length) {
        inFlight.put(entryId, new Progress(entryId, acknowledged, length, 0, null, 0, 0, 0, null, 0));
    }

    synchronized void uploadProgressed(Progress progress) {
        inFlight.computeIfPresent(progress.entryId(), (id, old) -> progress);
    }

    synchronized void uploadFinished(String entryId) {
        inFlight.remove(entryId);
    }

    synchronized void runFinished(String summary) {
        lastRun = summary;
        lastRunAt = station.clock().instant();
        add("info", "upload: " + summary);
    }

    /** The number of the last photo and its bytes, if the desk read it: served from memory only. */
    public synchronized Optional<Photo> lastPhoto() {
        return lastPhoto == null || lastPhoto.bytes() == null ? Optional.empty()
                : Optional.of(new Photo(lastPhoto.number(), lastPhoto.bytes()));
    }

    /**
     * A photo held in memory.
     *
     * @param number its number since the desk started (the page asks for it by number)
     * @param bytes  the JPEG as the camera wrote it; not to be modified
     */
    public record Photo(long number, byte[] bytes) {}

    /** Everything the page shows, as one JSON object. */
    public ObjectNode toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        synchronized (this) {
            ObjectNode pairing = root.putObject("pairing");
            pairing.put("codeId", openCode);
            pairing.put("since", openSince == null ? null : openSince.toString());
            root.set("photo", photoJson());
            ArrayNode noteArray = root.putArray("notes");
            for (Note note : notes) {
                noteArray.addObject().put("at", note.at().toString()).put("level", note.level()).put("text", note.text());
            }
            ObjectNode upload = root.putObject("upload");
            upload.put("window", window).put("windowOpen", windowOpen)
                    .put("nextCheck", nextUploadCheck == null ? null : nextUploadCheck.toString())
                    .put("lastRun", lastRun).put("lastRunAt", lastRunAt == null ? null : lastRunAt.toString());
            ArrayNode progress = upload.putArray("inFlight");
            inFlight.values().forEach(p -> progress.addObject().put("entry", p.entryId())
                    .put("bytes", p.entryBytes()).put("length", p.entryLength()));
        }
        root.set("queue", queueJson());
        root.set("health", healthJson());
        return root;
    }

    private ObjectNode photoJson() {
        ObjectNode photo = JSON.createObjectNode();
        if (lastPhoto == null) {
            return photo.put("number", 0);
        }
        photo.put("number", lastPhoto.number()).put("name", lastPhoto.name()).put("codeId", lastPhoto.codeId())
                .put("at", lastPhoto.at().toString()).put("image", lastPhoto.bytes() != null)
                .put("entry", lastPhoto.entryId()).put("refusal", lastPhoto.refusal());
        PhotoReport report = lastPhoto.report();
        String verdict;
        if (lastPhoto.entryId() != null) {
            verdict = report.warnings().isEmpty() ? "accepted" : "accepted-with-warnings";
        } else {
            verdict = report == null ? "not-paired" : "refused";
        }
        photo.put("verdict", verdict);
        if (report == null) {
            return photo;
        }
        ArrayNode findings = photo.putArray("findings");
        for (Finding finding : report.findings()) {
            findings.addObject().put("check", finding.check().id()).put("severity", finding.severity().name())
                    .put("message", finding.message());
        }
        report.measurements().ifPresent(measured -> photo.set("measurements", measurementsJson(measured)));
        return photo;
    }

    private static ObjectNode measurementsJson(PhotoMeasurements measured) {
        ObjectNode node = JSON.createObjectNode();
        node.put("width", measured.width()).put("height", measured.height())
                .put("background", colour(measured.background()));
        ArrayNode samples = node.putArray("backgroundSamples");
        for (PhotoMeasurements.BackgroundSample sample : measured.backgroundSamples()) {
            samples.addObject().put("name", sample.name()).put("x", sample.region().x()).put("y", sample.region().y())
                    .put("width", sample.region().width()).put("height", sample.region().height())
                    .put("colour", colour(sample.colour()));
        }
        PhotoMeasurements.Head head = measured.head();
        ObjectNode headNode = node.putObject("head");
        headNode.put("problem", head.problem());
        if (head.problem() == null) {
            headNode.put("top", head.top()).put("chin", head.chin()).put("eyeLine", head.eyeLine())
                    .put("faceLeft", head.faceLeft()).put("faceWidth", head.faceWidth());
        }
        return node;
    }

    private static String colour(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xFFFFFF);
    }

    private ArrayNode queueJson() throws IOException {
        ArrayNode queue = JSON.createArrayNode();
        Map<String, Progress> flying;
        synchronized (this) {
            flying = Map.copyOf(inFlight);
        }
        for (SpoolEntry entry : spool.entries()) {
            ObjectNode node = queue.addObject();
            String shown = flying.containsKey(entry.id()) ? "in-flight" : entry.state().name().toLowerCase(Locale.ROOT)
                    .replace('_', '-');
            node.put("entry", entry.id()).put("shortId", Spool.shortId(entry.id())).put("codeId", entry.info().codeId())
                    .put("state", shown).put("length", entry.info().length())
                    .put("acknowledged", entry.acknowledgedOffset()).put("lastError", entry.lastError())
                    .put("withdrawable", entry.state() == EntryState.QUEUED
                            || entry.state() == EntryState.FAILED && entry.uploadUrl() == null);
            if (entry.state() == EntryState.REJECTED) {
                Optional<Problem> problem = spool.problem(entry.id());
                node.put("reason", problem.map(p -> (p.reason() == null ? "" : p.reason() + ": ")
                        + (p.detail() != null ? p.detail() : p.title())).orElse(entry.lastError()));
            }
        }
        return queue;
    }

    private ObjectNode healthJson() {
        ObjectNode health = JSON.createObjectNode();
        Instant now = station.clock().instant();
        RegistryCheck check;
        synchronized (this) {
            check = registry;
        }
        ObjectNode registryNode = health.putObject("registry");
        if (check == null) {
            registryNode.put("state", "unknown").put("detail", "not checked yet");
        } else {
            registryNode.put("state", check.reachable() ? "ok" : "error").put("checkedAt", check.at().toString())
                    .put("detail", check.reachable() ? "reachable" : check.problem());
        }
        ObjectNode certificate = health.putObject("certificate");
        ObjectNode bundleNode = health.putObject("trustBundle");
        try {
            StationCredentials credentials = station.credentials();
            TrustBundle bundle = station.bundle();
            Instant notAfter = credentials.certificate().getNotAfter().toInstant();
            boolean valid = !now.isBefore(credentials.certificate().getNotBefore().toInstant()) && now.isBefore(notAfter);
            boolean revoked = bundle.isStationRevoked(credentials.certificate());
            certificate.put("state", revoked || !valid ? "error" : "ok").put("notAfter", notAfter.toString())
                    .put("detail", revoked ? "revoked by the registry (trust bundle " + bundle.sequence() + ")"
                            : valid ? "valid until " + notAfter + ", not revoked" : "not valid now (until " + notAfter + ")");
            Duration age = Duration.between(bundle.issuedAt(), now);
            bundleNode.put("state", age.toDays() >= 7 ? "warning" : "ok").put("issuedAt", bundle.issuedAt().toString())
                    .put("detail", "sequence " + bundle.sequence() + ", " + age.toHours() + " h old");
        } catch (StationException e) {
            certificate.put("state", "error").put("detail", e.getMessage());
            bundleNode.put("state", "error").put("detail", e.getMessage());
        }
        ObjectNode clock = health.putObject("clockSkew");
        Optional<RegistryClock.Measurement> skew = station.registryClock().last();
        if (skew.isEmpty()) {
            clock.put("state", "unknown").put("detail", "not measured yet");
        } else {
            long millis = skew.get().skew().toMillis();
            long max;
            try {
                max = station.config().duration("capture.max-clock-skew").toMillis();
            } catch (StationException e) {
                max = 0;
            }
            clock.put("state", Math.abs(millis) > max ? "error" : "ok").put("millis", millis)
                    .put("detail", millis + " ms from the registry's clock, measured " + skew.get().measuredAt());
        }
        ObjectNode disk = health.putObject("disk");
        try {
            long free = Files.getFileStore(station.home().root()).getUsableSpace();
            disk.put("state", free < 512L * 1024 * 1024 ? "warning" : "ok").put("freeBytes", free)
                    .put("detail", free / (1024 * 1024) + " MiB free");
        } catch (IOException e) {
            disk.put("state", "error").put("detail", e.getMessage());
        }
        return health;
    }
}
