package dev.codebound.agent.audit;

import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.MerkleTree;
import dev.codebound.protocol.log.NoteSigner;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundleCodec;
import dev.codebound.protocol.wire.LogInclusion;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A station home with a real registry keyring behind it, and a registry transparency log kept in
 * memory, so tests can make genuine receipts and then spoil them one way at a time.
 */
final class AuditFixture {
    static final Instant NOW = Instant.now();
    static final RegistryKeyring REGISTRY = RegistryKeyring.generate("Audit Test Registry",
            NOW.minus(Duration.ofDays(10)), Duration.ofDays(400));
    static final StationCredentials STATION = REGISTRY.issueStation("station-audit-1", NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(30)));
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Every registry log entry the fixtures made, by leaf hash, so a fake registry can list its leaves. */
    private static final Map<ByteBuffer, LogEntry> ENTRIES = new ConcurrentHashMap<>();
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** A delivered entry's facts. */
    record Delivery(String entryId, String codeId, String photoSha256, long length, byte[] receipt, long leafIndex) {}

    final StationHome home;
    final MerkleTree registryLog = new MerkleTree();

    AuditFixture(Path root) throws IOException {
        this.home = new StationHome(root);
        StationTrust trust = new StationTrust(home);
        trust.pin(REGISTRY.authority().certificate());
        try {
            trust.update(TrustBundleCodec.sign(REGISTRY.trustBundle(1, NOW), REGISTRY.authority().privateKey()),
                    "test");
        } catch (dev.codebound.agent.station.StationException e) {
            throw new IllegalStateException(e);
        }
        PemFiles.writeCertificates(home.certificate(), List.of(STATION.certificate()));
        PemFiles.writePrivateKey(home.privateKey(), STATION.privateKey(), null);
    }

    static String codeId() {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            id.append(BASE32.charAt(RANDOM.nextInt(32)));
        }
        return id.toString();
    }

    static String randomSha256() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Sha256.hex(bytes);
    }

    /** Logs a capture, an upload and its delivery, with a genuine receipt archived in receipts/. */
    Delivery deliver(TransferLog log) throws IOException {
        String entryId = randomSha256();
        String codeId = codeId();
        String photo = randomSha256();
        long length = 20_000 + RANDOM.nextInt(20_000);
        log.codeVerified(codeId);
        log.captured(entryId, codeId, length, photo);
        log.uploadStarted(entryId);
        return delivered(log, entryId, codeId, photo, length);
    }

    /**
     * Has the registry log an entry captured as given, archives its genuine receipt in receipts/,
     * and logs the delivery.
     */
    Delivery delivered(TransferLog log, String entryId, String codeId, String photo, long length) throws IOException {
        LogEntry entry = new LogEntry(java.util.HexFormat.of().parseHex(entryId), codeId, STATION.stationId(), NOW);
        long index = registryLog.append(known(entry).leafHash());
        byte[] receipt = receipt(entryId, codeId, photo, length, inclusion(index, registryLog.size(), REGISTRY
                .receiptSigning().privateKey(), REGISTRY.receiptSigning().certificate().getPublicKey()));
        Files.createDirectories(home.receipts());
        Files.write(home.receipts().resolve(entryId + ".json"), receipt);
        log.delivered(entryId, Sha256.hex(receipt), index);
        return new Delivery(entryId, codeId, photo, length, receipt, index);
    }

    /** The inclusion of leaf {@code index} in the registry log's tree of {@code size}, checkpoint signed by {@code key}. */
    LogInclusion inclusion(long index, long size, java.security.PrivateKey key, java.security.PublicKey publicKey) {
        return new LogInclusion(index, size, registryLog.inclusionProof(index, size).hashes(),
                checkpoint(registryLog, size, key, publicKey));
    }

    static String checkpoint(MerkleTree tree, long size, java.security.PrivateKey key, java.security.PublicKey publicKey) {
        String origin = LogOrigins.forRegistry(REGISTRY.registryName());
        return new Checkpoint(origin, size, tree.rootHash(size)).sign(new NoteSigner(origin, key, publicKey));
    }

    /** A registry checkpoint of {@code tree} at {@code size}, signed by the registry's genuine key. */
    static String registryCheckpoint(MerkleTree tree, long size) {
        return checkpoint(tree, size, REGISTRY.receiptSigning().privateKey(),
                REGISTRY.receiptSigning().certificate().getPublicKey());
    }

    static byte[] receipt(String entryId, String codeId, String photo, long length, LogInclusion inclusion) {
        Receipt receipt = new Receipt(REGISTRY.registryName(), entryId, length, photo, codeId, STATION.stationId(),
                NOW.minusSeconds(60), NOW, 1, KeyPairs.keyIdHex(REGISTRY.receiptSigning().certificate().getPublicKey()),
                Optional.of(inclusion));
        return ReceiptCodec.sign(receipt, REGISTRY.receiptSigning());
    }

    /** A leaf hash of some other station's entry. */
    static byte[] randomLeaf() {
        return known(new LogEntry(java.util.HexFormat.of().parseHex(randomSha256()), codeId(), "station-other", NOW))
                .leafHash();
    }

    /** Remembers an entry so that {@link #entry} finds it by its leaf hash. */
    static LogEntry known(LogEntry entry) {
        ENTRIES.put(ByteBuffer.wrap(entry.leafHash()), entry);
        return entry;
    }

    /** The entry a fixture made with this leaf hash. */
    static LogEntry entry(byte[] leafHash) {
        return Objects.requireNonNull(ENTRIES.get(ByteBuffer.wrap(leafHash)), "a leaf no fixture made");
    }

    static KeyPair strangerKey() {
        return KeyPairs.generateP256();
    }

    Path logFile() {
        return LogFiles.file(home);
    }

    List<String> lines() throws IOException {
        return LogFiles.read(logFile()).lines();
    }

    void writeLines(List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        Files.writeString(logFile(), text, StandardCharsets.UTF_8);
    }
}
