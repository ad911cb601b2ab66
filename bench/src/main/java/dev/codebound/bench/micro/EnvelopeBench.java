package dev.codebound.bench.micro;

import dev.codebound.bench.JitWarmup;
import dev.codebound.bench.Photos;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeOpener;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.OpenedEnvelope;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.RegistryKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Sealing and opening whole envelopes through the public API, photo in memory, envelope to a
 * discarding stream (seal) or from memory (open). Opening an 8 MB photo spills the plaintext to a
 * private temporary file, as the registry does, because no plaintext may leave before the GCM tag.
 * Both envelope suites: 1 (P-256, AES-256-GCM, SHA-256) and 2 (SM2, SM4-GCM, SM3).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeBench {
    @Param({"46080", "8388608"})
    public int size;

    /** The envelope suite id; 1 unless JMH sets it. */
    @Param({"1", "2"})
    public int suite = 1;

    private Keys keys;
    private EnvelopeSealer sealer;
    private EnvelopeOpener opener;
    private PhotoSource photo;
    private byte[] envelope;
    private Path temp;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JitWarmup.bulkCrypto();
        keys = new Keys();
        boolean sm = Suite.byId(suite) == Suite.SM2_SM4GCM_SM3;
        RegistryKeyring.KeyedCertificate recipient = sm ? keys.sm2Encryption : keys.registry.encryption();
        sealer = new EnvelopeSealer(sm ? keys.sm2Station : keys.station, recipient.certificate(), Suite.byId(suite));
        temp = Files.createTempDirectory("codebound-bench-open");
        opener = EnvelopeOpener.builder(keys.bundle).recipient(recipient).clock(Keys.CLOCK)
                .temporaryDirectory(temp).build();
        photo = PhotoSource.of(Photos.photo(size, 7));
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
        sealer.seal(photo, keys.code, CaptureMetadata.jpeg(Keys.NOW), out);
        envelope = out.toByteArray();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try (var files = Files.list(temp)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(temp);
    }

    @Benchmark
    public Object seal() throws Exception {
        return sealer.seal(photo, keys.code, CaptureMetadata.jpeg(Keys.NOW), OutputStream.nullOutputStream());
    }

    @Benchmark
    public long open() throws Exception {
        try (OpenedEnvelope opened = opener.open(new ByteArrayInputStream(envelope))) {
            return opened.photoLength();
        }
    }
}
