package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.log.Checkpoint;
import dev.codebound.protocol.log.InclusionProof;
import dev.codebound.protocol.log.LogOrigins;
import dev.codebound.protocol.log.NoteVerifier;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.MockRegistry;
import dev.codebound.server.MockRegistryConfig;
import dev.codebound.server.TusTestClient;
import dev.codebound.server.objects.ObjectStoreLocation;
import dev.codebound.server.postgres.PostgresServer;
import dev.codebound.server.postgres.SharedStorageSettings;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sealed envelopes accepted by two registry nodes (in this process) over one PostgreSQL
 * database and one object store, through tus on loopback: an upload begun on one node is finished
 * on the other, the envelope the archive adopted reads back whole from either node, the log stays
 * one log whose proofs from either node verify against either node's checkpoint, and the same
 * envelope finished on both nodes at once gets one receipt. Here the object store is a shared
 * directory; {@link TwoNodeAcceptanceOverS3Test} runs the same tests over an S3 bucket.
 */
class TwoNodeAcceptanceTest {
    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();
    private static final StudentIdentity STUDENT = new StudentIdentity("2023001", "张三", "11010519491231002X");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private MockRegistry nodeA;
    private MockRegistry nodeB;
    private StationCredentials station;

    @BeforeEach
    void start() throws Exception {
        SharedStorageSettings shared = new SharedStorageSettings(POSTGRES.newDatabaseUrl(), POSTGRES.user(), null,
                objectStore(directory), Duration.ofMillis(200));
        nodeA = MockRegistry.start(node("node-a").sharedStorage(shared).build());
        nodeB = MockRegistry.start(node("node-b").sharedStorage(shared).build());
        KeyPair key = KeyPairs.generateP256();
        String token = nodeA.registry().enrollment().issueToken(Duration.ofHours(1), "test").token();
        station = new StationCredentials(key.getPrivate(),
                nodeB.registry().enrollment().enroll(token, CertificationRequests.create(key, "studio")));
    }

    /** The object store both nodes share in one test; {@code directory} is the test's own. */
    ObjectStoreLocation objectStore(Path directory) throws Exception {
        return new ObjectStoreLocation.Directory(directory.resolve("objects"));
    }

    private MockRegistryConfig.Builder node(String name) {
        return MockRegistryConfig.builder().bindAddress("127.0.0.1").port(0).dataDir(directory.resolve(name))
                .keysDir(directory.resolve("keys")).tls(false).storageThreads(2).eventLoopThreads(1);
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
    }

    private IssuedCode issueCode(MockRegistry node) throws Exception {
        Instant now = Instant.now();
        return node.registry().codes().issue(new CodeBook.CodeRequest(STUDENT, 10337, 2027,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
    }

    private byte[] seal(MockRegistry node, IssuedCode code, int photo) throws Exception {
        TrustBundle bundle = node.registry().trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EnvelopeSealer.forBundle(station, bundle, Instant.now()).seal(PhotoSource.of(SamplePhotos.good(photo)),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()),
                new CaptureMetadata(CaptureMetadata.JPEG, Instant.now()), out);
        return out.toByteArray();
    }

    /** Creates an upload of {@code envelope} on {@code node} and returns its path. */
    private String create(MockRegistry node, byte[] envelope, String codeId) throws Exception {
        String metadata = UploadMetadata.empty().with(Tus.Metadata.CODE_ID, codeId)
                .with(Tus.Metadata.ENVELOPE_SHA256, sha256(envelope)).encode();
        return TusTestClient.plain(node, station.stationId()).createPath(envelope.length, Tus.UPLOAD_METADATA,
                metadata);
    }

    /** Sends {@code envelope[from, to)} to {@code node}; returns the answer. */
    private HttpResponse<String> send(MockRegistry node, String path, byte[] envelope, int from, int to)
            throws Exception {
        return TusTestClient.plain(node, station.stationId()).patch(path, from, Arrays.copyOfRange(envelope, from, to));
    }

    private Receipt result(MockRegistry node, String path) throws Exception {
        HttpResponse<String> result = TusTestClient.plain(node, station.stationId()).get(path + "/result");
        assertEquals(200, result.statusCode(), result.body());
        Receipt receipt = ReceiptCodec.verify(result.body().getBytes(StandardCharsets.UTF_8),
                node.registry().trustBundles().currentBundle(), "receipt");
        ReceiptCodec.verifyLogInclusion(receipt, node.registry().trustBundles().currentBundle(), "receipt");
        return receipt;
    }

    @Test
    void anUploadBegunOnOneNodeIsAcceptedOnTheOtherAndTheLogIsOneLog() throws Exception {
        IssuedCode code = issueCode(nodeB);
        byte[] first = seal(nodeA, code, 1);
        String path = create(nodeA, first, code.codeId());
        int half = first.length / 2;
        assertEquals(204, send(nodeA, path, first, 0, half).statusCode());
        HttpResponse<String> head = TusTestClient.plain(nodeB, station.stationId()).head(path);
        assertEquals(Integer.toString(half), head.headers().firstValue(Tus.UPLOAD_OFFSET).orElseThrow());
        HttpResponse<String> rest = send(nodeB, path, first, half, first.length);
        assertEquals(204, rest.statusCode(), rest.body());

        List<Receipt> receipts = new ArrayList<>();
        receipts.add(result(nodeA, path));
        assertEquals(result(nodeB, path), receipts.get(0), "either node answers with the one receipt");
        assertEquals(1, receipts.get(0).photoVersion());
        assertArchived(first);

        // A retake through the other node, and another code's photo through the first: one log, dense versions.
        byte[] retake = seal(nodeB, code, 2);
        String retakePath = create(nodeB, retake, code.codeId());
        assertEquals(204, send(nodeB, retakePath, retake, 0, retake.length).statusCode());
        receipts.add(result(nodeB, retakePath));
        assertEquals(2, receipts.get(1).photoVersion());
        IssuedCode other = issueCode(nodeA);
        byte[] third = seal(nodeA, other, 3);
        String thirdPath = create(nodeA, third, other.codeId());
        assertEquals(204, send(nodeA, thirdPath, third, 0, third.length).statusCode());
        receipts.add(result(nodeA, thirdPath));

        assertEquals(List.of(0L, 1L, 2L), receipts.stream().map(r -> r.log().orElseThrow().leafIndex()).toList());
        for (MockRegistry checkpointFrom : List.of(nodeA, nodeB)) {
            Checkpoint checkpoint = checkpoint(checkpointFrom);
            for (MockRegistry proofFrom : List.of(nodeA, nodeB)) {
                for (Receipt receipt : receipts) {
                    inclusionProof(proofFrom, receipt.log().orElseThrow().leafIndex(), checkpoint.size())
                            .verify(receipt.logEntry().leafHash(), checkpoint.rootHash());
                }
            }
        }
    }

    @Test
    void theSameEnvelopeFinishedOnBothNodesAtOnceGetsOneReceiptAndBothNodesGoOn() throws Exception {
        IssuedCode code = issueCode(nodeA);
        byte[] envelope = seal(nodeA, code, 4);
        String onA = create(nodeA, envelope, code.codeId());
        String onB = create(nodeB, envelope, code.codeId());
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> finishedOnA = clients.submit(() -> send(nodeA, onA, envelope, 0,
                    envelope.length));
            Future<HttpResponse<String>> finishedOnB = clients.submit(() -> send(nodeB, onB, envelope, 0,
                    envelope.length));
            assertEquals(204, finishedOnA.get().statusCode(), finishedOnA.get().body());
            assertEquals(204, finishedOnB.get().statusCode(), finishedOnB.get().body());
        } finally {
            clients.shutdown();
        }
        assertEquals(result(nodeA, onA), result(nodeB, onB));
        // The registry's log, as either node serves it: a node that found the other's record before it reached the
        // log has not read the entry into its own tree yet (it does at its next append or view refresh).
        for (MockRegistry node : List.of(nodeA, nodeB)) {
            assertEquals(1, checkpoint(node).size(), "logged once");
        }
        assertArchived(envelope);

        for (MockRegistry node : List.of(nodeA, nodeB)) {
            IssuedCode next = issueCode(node);
            byte[] later = seal(node, next, 5);
            String path = create(node, later, next.codeId());
            assertEquals(204, send(node, path, later, 0, later.length).statusCode(), "the node still accepts");
            result(node, path);
        }
    }

    /** Each node's archive gives back the envelope exactly as sealed, whichever node adopted it. */
    private void assertArchived(byte[] envelope) throws Exception {
        for (MockRegistry node : List.of(nodeA, nodeB)) {
            try (InputStream archived = node.registry().photos().openEnvelope(sha256(envelope))) {
                assertArrayEquals(envelope, archived.readAllBytes(), "the envelope read back through node "
                        + (node == nodeA ? "A" : "B"));
            }
        }
    }

    private static Checkpoint checkpoint(MockRegistry node) throws Exception {
        HttpResponse<String> note = TusTestClient.plain(node, null).get("/registry/v1/log/checkpoint");
        assertEquals(200, note.statusCode());
        String origin = LogOrigins.forRegistry(node.keyring().registryName());
        return Checkpoint.verify(note.body(), new NoteVerifier(origin,
                node.keyring().receiptSigning().certificate().getPublicKey()), origin);
    }

    private static InclusionProof inclusionProof(MockRegistry node, long index, long size) throws Exception {
        HttpResponse<String> answer = TusTestClient.plain(node, null)
                .get("/registry/v1/log/inclusion?index=" + index + "&size=" + size);
        assertEquals(200, answer.statusCode(), answer.body());
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode hash : JSON.readTree(answer.body()).get("hashes")) {
            hashes.add(Base64.getDecoder().decode(hash.asText()));
        }
        return new InclusionProof(index, size, hashes);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
