package dev.codebound.agent.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.server.upload.FileUploadStore;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.upload.UploadState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What must hold after the torture, with both processes alive and the work finished. Every check
 * appends to {@link #failures} instead of stopping at the first, so one run shows everything that
 * went wrong; {@link #findings} collects what is reported but allowed (the one window no client can
 * close: an upload created twice for one envelope).
 *
 * <p>"Exactly once" is per collection code: each photo of the batch was captured for its own code,
 * and the harness re-captures a photo only when the spool, as its recovery will see it, holds no
 * envelope for that code. So each code must have exactly one spool entry, and the registry exactly
 * one accepted version of that code, with that entry's envelope hash, and exactly one transparency
 * log entry for that hash. A second version would be a duplicate delivery: a re-sealed photo is a
 * different envelope (fresh content key, new capture time), which the registry's hash-based
 * idempotency cannot recognise and would keep as a retake.
 */
final class TortureInvariants {
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> failures = new ArrayList<>();
    final List<String> findings = new ArrayList<>();

    private final CrashTorture torture;
    private final StationUnderTest station;
    private final ServerUnderTest server;

    private final List<CrashTorture.Photo> photos;
    private final List<CrashTorture.Photo> unshot;

    TortureInvariants(CrashTorture torture) {
        this.torture = torture;
        this.photos = torture.attemptedPhotos();
        this.unshot = torture.photos.stream().filter(photo -> !photos.contains(photo)).toList();
        this.station = torture.station();
        this.server = torture.server();
    }

    void checkAll() throws Exception {
        Map<String, String> entriesByCode = checkSpool();
        checkReceipts(entriesByCode);
        checkRegistry(entriesByCode);
        checkNothingLeftToSend();
        checkStationFilesClean();
        checkRegistryFilesClean(entriesByCode);
        checkAudit();
        if (!torture.anomalies.isEmpty()) {
            failures.add(torture.anomalies.size() + " unexpected process exit(s):\n"
                    + String.join("\n", torture.anomalies));
        }
    }

    /**
     * One entry per photo's code, DELIVERED with a receipt (in the spool, or settled: gone from it
     * with its receipt archived); returns code id -> entry id.
     */
    private Map<String, String> checkSpool() throws IOException {
        Map<String, String> byEntry = station.spooledEnvelopesByEntry();
        Map<String, String> entriesByCode = new HashMap<>();
        Map<String, List<String>> grouped = new TreeMap<>();
        byEntry.forEach((entry, code) -> grouped.computeIfAbsent(code, c -> new ArrayList<>()).add(entry));
        for (CrashTorture.Photo photo : photos) {
            List<String> entries = grouped.getOrDefault(photo.codeId(), List.of());
            if (entries.size() != 1) {
                failures.add("photo " + photo.number() + " (code " + photo.codeId() + ") has " + entries.size()
                        + " spool entries, expected exactly 1: " + entries);
                continue;
            }
            String entry = entries.get(0);
            entriesByCode.put(photo.codeId(), entry);
            if (!station.state(entry).equals(java.util.Optional.of("DELIVERED"))) {
                failures.add("entry " + entry + " of photo " + photo.number() + " is " + station.state(entry)
                        + ", not DELIVERED");
            }
        }
        int settled = station.settledEntries(station.entriesInSpool()).size();
        findings.add("entries: " + byEntry.size() + ", of which " + settled + " settled (left the spool with their "
                + "receipts archived) and " + (byEntry.size() - settled) + " in the spool");
        if (byEntry.size() != photos.size()) {
            failures.add("the spool holds " + byEntry.size() + " envelopes for " + photos.size() + " photos");
        }
        return entriesByCode;
    }

    /**
     * Each receipt is stored twice (spool and archive, same bytes), or in the archive alone once its
     * entry left the spool; it verifies and describes its entry.
     */
    private void checkReceipts(Map<String, String> entriesByCode) throws Exception {
        TrustBundle bundle = new StationTrust(station.station()).bundle();
        String stationId = null;
        Map<String, byte[]> spoolReceipts = station.receiptsInSpoolByEntry();
        Set<String> settledEntries = station.settledEntries(station.entriesInSpool());
        for (Map.Entry<String, String> pair : entriesByCode.entrySet()) {
            String code = pair.getKey();
            String entry = pair.getValue();
            byte[] spoolCopy = spoolReceipts.get(entry);
            Path archived = station.station().receipt(entry);
            // An entry that left the spool once settled keeps its receipt in the archive only.
            boolean settled = settledEntries.contains(entry);
            if (spoolCopy == null && !settled || !Files.exists(archived)) {
                failures.add("entry " + entry + ": receipt in spool " + (spoolCopy != null) + ", archived "
                        + Files.exists(archived));
                continue;
            }
            byte[] bytes = Files.readAllBytes(archived);
            if (spoolCopy != null && !Arrays.equals(bytes, spoolCopy)) {
                failures.add("entry " + entry + ": the archived receipt differs from the spool's copy");
            }
            try {
                Receipt receipt = ReceiptCodec.verify(bytes, bundle, "receipt of " + entry);
                ReceiptCodec.verifyLogInclusion(receipt, bundle, "receipt of " + entry);
                if (!receipt.envelopeSha256().equals(entry) || receipt.envelopeLength() != station.envelopeLength(entry)
                        || !receipt.codeId().equals(code)) {
                    failures.add("entry " + entry + ": the receipt names envelope " + receipt.envelopeSha256()
                            + " (" + receipt.envelopeLength() + " bytes) of code " + receipt.codeId());
                }
                if (receipt.photoVersion() != 1) {
                    failures.add("entry " + entry + ": photo version " + receipt.photoVersion()
                            + "; a second version of a code means a duplicate delivery");
                }
                if (stationId != null && !stationId.equals(receipt.stationId())) {
                    failures.add("receipts name two stations: " + stationId + " and " + receipt.stationId());
                }
                stationId = receipt.stationId();
            } catch (RuntimeException e) {
                failures.add("entry " + entry + ": receipt does not verify: " + e.getMessage());
            }
        }
    }

    /** The registry accepted each envelope once, as version 1 of its code, and logged it once. */
    private void checkRegistry(Map<String, String> entriesByCode) throws IOException {
        for (CrashTorture.Photo photo : photos) {
            JsonNode versions = server.get("/admin/v1/codes/" + photo.codeId() + "/photos").get("versions");
            String entry = entriesByCode.get(photo.codeId());
            if (versions.size() != 1) {
                failures.add("code " + photo.codeId() + " (photo " + photo.number() + ") has " + versions.size()
                        + " accepted versions at the registry, expected exactly 1: " + versions);
            } else if (entry != null && !entry.equals(versions.get(0).get("envelopeSha256").asText())) {
                failures.add("code " + photo.codeId() + ": the registry accepted " + versions.get(0)
                        .get("envelopeSha256").asText() + ", the spool holds " + entry);
            }
        }
        for (CrashTorture.Photo photo : unshot) {
            JsonNode versions = server.get("/admin/v1/codes/" + photo.codeId() + "/photos").get("versions");
            if (versions.size() != 0) {
                failures.add("code " + photo.codeId() + " was never captured but has accepted versions: " + versions);
            }
        }
        String checkpoint = server.getText("/registry/v1/log/checkpoint");
        long size = Long.parseLong(checkpoint.split("\n")[1]);
        Map<String, List<Long>> logged = new HashMap<>();
        for (long start = 0; start < size; start += 1000) {
            JsonNode entries = server.get("/registry/v1/log/entries?start=" + start + "&end="
                    + Math.min(size, start + 1000)).get("entries");
            for (JsonNode node : entries) {
                logged.computeIfAbsent(node.get("envelopeSha256").asText(), h -> new ArrayList<>())
                        .add(node.get("index").asLong());
            }
        }
        if (size != photos.size()) {
            failures.add("the transparency log holds " + size + " entries for " + photos.size() + " photos");
        }
        logged.forEach((hash, indexes) -> {
            if (indexes.size() != 1) {
                failures.add("envelope " + hash + " is in the transparency log " + indexes.size() + " times: "
                        + indexes);
            }
            if (!entriesByCode.containsValue(hash)) {
                failures.add("the transparency log holds envelope " + hash + ", which is in no spool entry");
            }
        });
        for (String entry : entriesByCode.values()) {
            if (!logged.containsKey(entry)) {
                failures.add("envelope " + entry + " is not in the transparency log");
            }
        }
    }

    /** Another upload with both processes alive sends nothing and exits 0. */
    private void checkNothingLeftToSend() throws IOException {
        StationUnderTest.Result upload = station.run("upload", "--json");
        if (upload.exitCode() != 0) {
            failures.add("a final upload exited " + upload.exitCode() + ": " + upload.both());
            return;
        }
        JsonNode summary = JSON.readTree(upload.out());
        if (summary.get("bytesSent").asLong() != 0 || summary.get("delivered").asInt() != 0) {
            failures.add("a final upload still sent something: " + upload.out());
        }
        StationUnderTest.Result status = station.run("status", "--json");
        JsonNode node = JSON.readTree(status.out());
        int settled = station.settledEntries(station.entriesInSpool()).size();
        if (node.get("counts").path("delivered").asInt() != photos.size()
                || node.get("entries").asInt() + settled != photos.size()
                || node.get("deliveredWithoutVerifiedReceipt").asInt() != 0) {
            failures.add("status does not show every photo delivered with a verified receipt: " + status.out());
        }
    }

    /** No scratch, partial, temporary, trashed or quarantined file is left in the station home. */
    private void checkStationFilesClean() throws IOException {
        try (Spool spool = Spool.open(station.station().spool(), Clock.systemUTC())) {
            if (!spool.recoveryReport().repairs().isEmpty()) {
                failures.add("the spool needed repairs after the last clean run: " + spool.recoveryReport().repairs());
            }
        }
        int quarantined = StationUnderTest.count(station.station().spool().resolve("quarantine"));
        if (quarantined != 0) {
            failures.add("spool/quarantine holds " + quarantined + " file(s)");
        }
        int partial = station.envelopeFiles(".partial");
        int envelopes = StationUnderTest.count(station.spoolEnvelopes());
        // A delivered entry whose receipt is archived has had its envelope deleted by the retention sweep
        // (retention.delivered-envelopes defaults to PT0S); every other entry keeps its envelope.
        int expected = station.entriesInJournal() - station.entriesDeliveredAndArchived();
        if (partial != 0 || envelopes != expected) {
            failures.add("spool/envelopes holds " + envelopes + " file(s) (" + partial + " half-sealed) for " + expected
                    + " entries not yet delivered and archived (delivered envelopes are deleted by retention)");
        }
        List<Path> temporaries = temporaries(station.home());
        if (!temporaries.isEmpty()) {
            failures.add("temporary files left in the station home: " + temporaries);
        }
    }

    /** No temporary or plaintext file in the registry; every upload is ours and accounted for. */
    private void checkRegistryFilesClean(Map<String, String> entriesByCode) throws IOException {
        List<Path> temporaries = temporaries(server.dataDir());
        if (!temporaries.isEmpty()) {
            failures.add("temporary files left in the registry's data directory: " + temporaries);
        }
        Path opening = server.dataDir().resolve("registry").resolve("opening");
        if (StationUnderTest.count(opening) != 0) {
            failures.add("decrypted leftovers in " + opening + ": " + list(opening));
        }
        Map<String, Integer> uploadsPerEnvelope = new HashMap<>();
        int incomplete = 0;
        long orphanBytes = 0;
        for (UploadInfo upload : FileUploadStore.readRecords(server.dataDir().resolve("uploads"))) {
            String hash = upload.metadata().get("envelope-sha256").orElse("");
            if (!entriesByCode.containsValue(hash)) {
                failures.add("upload " + upload.id() + " is for envelope " + hash + ", which is in no spool entry");
            }
            UploadState state = upload.state();
            if (state == UploadState.ACCEPTED) {
                uploadsPerEnvelope.merge(hash, 1, Integer::sum);
            } else if (state == UploadState.RECEIVING) {
                incomplete++;
                orphanBytes += upload.offset();
            } else {
                failures.add("upload " + upload.id() + " of envelope " + hash + " is " + state);
            }
        }
        for (String entry : entriesByCode.values()) {
            if (!uploadsPerEnvelope.containsKey(entry)) {
                failures.add("envelope " + entry + " has no accepted upload at the registry");
            }
        }
        long twice = uploadsPerEnvelope.values().stream().filter(n -> n > 1).count();
        findings.add("registry uploads: " + uploadsPerEnvelope.values().stream().mapToInt(Integer::intValue).sum()
                + " accepted for " + entriesByCode.size() + " envelopes (" + twice + " envelope(s) uploaded "
                + "completely more than once, answered with the same receipt), " + incomplete
                + " unfinished orphan upload(s) holding " + orphanBytes + " bytes (they expire)");
    }

    /**
     * {@code audit verify --registry}: the station's transfer log (chain, checkpoints, a delivered
     * record for every stored receipt and the capture before it) and the registry's log (consistent
     * with every receipt's checkpoint). Until capture and upload write the transfer log, there is no
     * log to verify; that is reported, not failed.
     */
    private void checkAudit() {
        if (!Files.exists(station.station().log().resolve("transfer-log.jsonl"))) {
            findings.add("audit verify skipped: capture and upload wrote no station transfer log");
            return;
        }
        StationUnderTest.Result verify = station.run("audit", "verify", "--registry", server.url());
        if (verify.exitCode() != 0) {
            failures.add("audit verify --registry failed: " + verify.both());
        } else {
            findings.add("audit verify --registry: " + verify.out().lines().findFirst().orElse("").strip());
        }
    }

    private static List<Path> temporaries(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(path -> {
                String name = path.getFileName().toString();
                return name.endsWith(".tmp") || name.endsWith(".partial");
            }).map(root::relativize).toList();
        }
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
