package dev.codebound.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.code.StudentIdentity;
import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.CertificationRequests;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.protocol.wire.Tus;
import dev.codebound.protocol.wire.UploadMetadata;
import dev.codebound.server.registry.CodeBook.CodeRecord;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.LocalFileBytes;
import dev.codebound.server.upload.UploadId;
import dev.codebound.server.upload.UploadInfo;
import dev.codebound.server.upload.UploadState;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance reads an envelope's code record once, and decides as it did when it read it twice. */
class CodeLookupTest {
    @TempDir
    Path dir;
    CountingCodeStore codeStore;
    Registry registry;
    StationCredentials station;
    EnvelopeAcceptance acceptance;

    @BeforeEach
    void setUp() throws Exception {
        RegistryStores embedded = RegistryStores.embedded(dir.resolve("registry"));
        codeStore = new CountingCodeStore(embedded.codes());
        registry = Registry.open(new RegistryStores(embedded.stations(), embedded.tokens(), codeStore,
                embedded.photos(), embedded.log(), embedded.trustBundle()), RegistryFixture.KEYRING,
                Clock.systemUTC(), Set.of(1, 2), 1);
        KeyPair key = KeyPairs.generateP256();
        String token = registry.enrollment().issueToken(Duration.ofHours(1), "test").token();
        station = new StationCredentials(key.getPrivate(),
                registry.enrollment().enroll(token, CertificationRequests.create(key, "studio")));
        acceptance = new EnvelopeAcceptance(registry, registry.photos(), dir.resolve("opening"));
    }

    @AfterEach
    void tearDown() throws IOException {
        registry.close();
    }

    @Test
    void aFormat2EnvelopesCodeRecordIsReadOnce() throws Exception {
        IssuedCode code = issueCode();
        codeStore.reads.set(0);
        assertInstanceOf(CompletionOutcome.Accepted.class, accept(seal(code, Binding.FORMAT_VERSION_CODE_PROOF)));
        assertEquals(1, codeStore.reads.get(), "the code key while opening, then 'issued here' from the same read");
    }

    @Test
    void aFormat1EnvelopesCodeRecordIsReadOnce() throws Exception {
        IssuedCode code = issueCode();
        codeStore.reads.set(0);
        assertInstanceOf(CompletionOutcome.Accepted.class, accept(seal(code, Binding.FORMAT_VERSION_CODE_TEXT)));
        assertEquals(1, codeStore.reads.get(), "opening a format 1 envelope needs no record");
    }

    @Test
    void aRevocationBetweenTheReadsIsStillJudgedAtOpening() throws Exception {
        IssuedCode code = issueCode();
        byte[] envelope = seal(code, Binding.FORMAT_VERSION_CODE_PROOF);
        registry.codes().revoke(code.codeId());
        CompletionOutcome.Rejected rejected = assertInstanceOf(CompletionOutcome.Rejected.class, accept(envelope));
        assertEquals("CODE_REVOKED", rejected.problem().reason());
    }

    @Test
    void theLookupAnswersTheCodeBooksKeys() throws Exception {
        IssuedCode code = issueCode();
        CodeLookup lookup = new CodeLookup(registry.codes());
        codeStore.reads.set(0);
        for (Suite suite : List.of(Suite.P256_AES256GCM_SHA256, Suite.SM2_SM4GCM_SM3)) {
            assertEquals(registry.codes().proofKeys().find(code.codeId(), suite), lookup.find(code.codeId(), suite));
        }
        assertEquals(Optional.empty(), lookup.find("AAAAAAAAAAAAAAAA", Suite.P256_AES256GCM_SHA256));
        assertEquals(Optional.empty(), lookup.find("AAAAAAAAAAAAAAAA"));
        assertEquals(4, codeStore.reads.get(), "the code book twice, the lookup once per code id");
    }

    private IssuedCode issueCode() throws IOException {
        Instant now = Instant.now();
        return registry.codes().issue(new CodeBook.CodeRequest(new StudentIdentity("2023001", "张三",
                "11010519491231002X"), 10337, 2027, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
    }

    private byte[] seal(IssuedCode code, int format) throws Exception {
        TrustBundle bundle = registry.trustBundles().currentBundle();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeSealer(station, bundle.currentEncryptionCertificate(1, Instant.now()),
                Suite.P256_AES256GCM_SHA256, format).seal(PhotoSource.of(SamplePhotos.good(7)),
                new CodeVerifier(bundle).verify(code.text(), Instant.now()),
                new CaptureMetadata(CaptureMetadata.JPEG, Instant.now()), out);
        return out.toByteArray();
    }

    private CompletionOutcome accept(byte[] envelope) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "upload", ".bin"), envelope);
        Instant now = Instant.now();
        UploadInfo upload = new UploadInfo(UploadId.random(), envelope.length,
                UploadMetadata.empty().with(Tus.Metadata.ENVELOPE_SHA256, EnvelopeAcceptance.sha256Hex(envelope)),
                station.stationId(), now, now.plusSeconds(3600), envelope.length, UploadState.AWAITING_OUTCOME);
        return acceptance.complete(upload, new LocalFileBytes(file, envelope.length));
    }

    /** The embedded code store, counting its reads of single records. */
    private static final class CountingCodeStore implements CodeStore {
        final AtomicInteger reads = new AtomicInteger();
        private final CodeStore store;

        CountingCodeStore(CodeStore store) {
            this.store = store;
        }

        @Override
        public void add(CodeRecord code) throws IOException {
            store.add(code);
        }

        @Override
        public void addAll(List<CodeRecord> codes) throws IOException {
            store.addAll(codes);
        }

        @Override
        public Optional<CodeRecord> find(String codeId) throws IOException {
            reads.incrementAndGet();
            return store.find(codeId);
        }

        @Override
        public List<CodeRecord> all() throws IOException {
            return store.all();
        }

        @Override
        public Optional<CodeRecord> revoke(String codeId, Instant at) throws IOException {
            return store.revoke(codeId, at);
        }

        @Override
        public Set<String> revokedCodeIds() {
            return store.revokedCodeIds();
        }
    }
}
