package dev.codebound.bench.nodes;

import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.upload.ProgressListener;
import dev.codebound.agent.upload.UploadConfig;
import dev.codebound.agent.upload.UploadRun;
import dev.codebound.agent.upload.Uploader;
import dev.codebound.bench.BenchMain;
import dev.codebound.bench.JitWarmup;
import dev.codebound.bench.Photos;
import dev.codebound.bench.e2e.Fleet;
import dev.codebound.protocol.code.CodeVerifier;
import dev.codebound.protocol.code.IssuedCode;
import dev.codebound.protocol.envelope.CaptureMetadata;
import dev.codebound.protocol.envelope.EnvelopeSealer;
import dev.codebound.protocol.envelope.PhotoSource;
import dev.codebound.protocol.pki.StationCredentials;
import dev.codebound.protocol.pki.TrustBundle;
import dev.codebound.server.MockRegistry;
import dev.codebound.testkit.LoopbackPostgres;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.HttpUrl;

/**
 * {@code java -jar codebound-bench.jar nodes [--stations S] [--photos N] [--rounds R] [--work DIR]}: the
 * upload's files/s and CPU per photo for (a) the embedded registry, (b) one node over the shared stores
 * (PostgreSQL and an object directory) and (c) two nodes over the same shared stores, the stations split
 * across both. Every subject gets the same photos from the same number of stations; each round starts a new
 * set of nodes (and a new database) per subject, enrols the stations, runs an untimed warm-up upload, seals
 * and spools the round's photos (not timed), then times the upload alone. PostgreSQL is started here on
 * loopback and stopped at the end. Nothing asserts a time.
 */
public final class NodesBench {
    /** What one subject's timed upload measured. */
    record Measurement(int files, double seconds, double jvmCpuSeconds, double databaseCpuSeconds,
            Deployment.DatabaseActivity database) {
        double filesPerSecond() {
            return files / seconds;
        }

        double cpuMillisPerPhoto() {
            return 1000 * (jvmCpuSeconds + databaseCpuSeconds) / files;
        }
    }

    /**
     * How long to wait around the timed upload before reading the database's statistics, which its backends
     * publish at most once a second: long enough that the count is the upload's, outside the clocks.
     */
    private static final long STATISTICS_DELAY_MILLIS = 1500;

    private final int stations;
    private final int photosPerStation;
    private final List<List<PhotoSource>> photos = new ArrayList<>();

    private NodesBench(int stations, int photosPerStation) {
        this.stations = stations;
        this.photosPerStation = photosPerStation;
        for (int i = 0; i < stations; i++) {
            List<PhotoSource> mine = new ArrayList<>();
            for (int j = 0; j < photosPerStation; j++) {
                mine.add(PhotoSource.of(Photos.jpeg(10_000L * i + j)));
            }
            photos.add(mine);
        }
    }

    public static void main(String[] args) throws Exception {
        int stations = 4;
        int photos = 100;
        int rounds = 2;
        Path work = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stations" -> stations = positive(args, ++i);
                case "--photos" -> photos = positive(args, ++i);
                case "--rounds" -> rounds = positive(args, ++i);
                case "--work" -> work = Path.of(value(args, ++i));
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar codebound-bench.jar nodes [--stations 4] [--photos 100] "
                            + "[--rounds 2] [--work DIR]\n"
                            + "  --stations S  stations uploading at once (split across the nodes in (c))\n"
                            + "  --photos N    photos per station per round (at most 9999)\n"
                            + "  --rounds R    rounds; every round runs (a), (b), (c), starting one later each "
                            + "round; the table shows medians\n"
                            + "  --work DIR    scratch directory (default: a new temporary one), deleted at the end\n"
                            + "Needs PostgreSQL's initdb, pg_ctl and createdb (Debian: apt-get install postgresql, or "
                            + "set CODEBOUND_PG_BIN); exits 3 without them, 2 on a bad option.");
                    return;
                }
                default -> usage("unknown option " + args[i]);
            }
        }
        if (photos > 9999) {
            usage("--photos must be at most 9999 (each station's students are numbered within 10000), got " + photos);
        }
        if (work == null) {
            work = Files.createTempDirectory("codebound-nodes");
        }
        Files.createDirectories(work);
        System.err.printf("codebound-bench nodes: %d stations x %d photos, %d rounds, load average %.2f, work dir %s%n",
                stations, photos, rounds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), work);
        JitWarmup.bulkCrypto();
        Map<Deployment.Kind, List<Measurement>> results = new NodesBench(stations, photos).run(rounds, work);
        NodesReport.print(results, stations, photos, System.out);
        System.out.printf("load average at the end: %.2f%n", ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        BenchMain.deleteTree(work);
    }

    private Map<Deployment.Kind, List<Measurement>> run(int rounds, Path work) throws Exception {
        Map<Deployment.Kind, List<Measurement>> results = new EnumMap<>(Deployment.Kind.class);
        Deployment.Kind[] kinds = Deployment.Kind.values();
        try (LoopbackPostgres postgres = startPostgres()) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < kinds.length; k++) {
                    Deployment.Kind kind = kinds[(k + round) % kinds.length];
                    String name = kind.name().toLowerCase(Locale.ROOT) + "_" + round;
                    try (Deployment deployment = Deployment.start(kind, work.resolve(name), postgres, name)) {
                        Measurement m = measure(deployment, work.resolve(name + "-stations"));
                        results.computeIfAbsent(kind, x -> new ArrayList<>()).add(m);
                        System.err.printf("   round %d %-28s %6.1f files/s, CPU %.1f ms/photo (JVM %.1f s, "
                                + "PostgreSQL %.1f s; %d connections, %d commits)%n", round, kind.label,
                                m.filesPerSecond(), m.cpuMillisPerPhoto(), m.jvmCpuSeconds(), m.databaseCpuSeconds(),
                                m.database().sessions(), m.database().commits());
                    }
                    BenchMain.deleteTree(work.resolve(name + "-stations"));
                }
            }
        }
        return results;
    }

    /** Enrols the stations, warms the nodes up with a quarter of the photos, then times the upload of all of them. */
    private Measurement measure(Deployment deployment, Path work) throws Exception {
        MockRegistry first = deployment.first();
        List<StationCredentials> credentials = new ArrayList<>();
        for (int i = 0; i < stations; i++) {
            credentials.add(Fleet.enroll(first, "bench-" + i));
        }
        int warmPhotos = Math.max(1, photosPerStation / 4);
        upload(deployment, credentials, spool(first, credentials, warmPhotos, 0, work.resolve("warm-up")));

        Measurement timed = upload(deployment, credentials, spool(first, credentials, photosPerStation,
                10_000 * stations, work.resolve("timed")));
        int expected = stations * photosPerStation;
        if (timed.files() != expected) {
            throw new IllegalStateException(timed.files() + " of " + expected + " photos were delivered; the "
                    + "figures would not be comparable");
        }
        return timed;
    }

    /**
     * Captures {@code count} photos per station as the desk does (code verified, photo sealed, envelope
     * spooled), with codes for students numbered from {@code firstStudent}; returns the stations' spools.
     */
    private List<Spool> spool(MockRegistry registry, List<StationCredentials> credentials, int count,
            int firstStudent, Path work) throws Exception {
        TrustBundle bundle = registry.registry().trustBundles().currentBundle();
        CodeVerifier verifier = new CodeVerifier(bundle);
        List<Spool> spools = new ArrayList<>();
        for (int i = 0; i < credentials.size(); i++) {
            Path dir = work.resolve("station-" + i);
            Files.createDirectories(dir);
            Spool spool = Spool.open(dir.resolve("spool"), Clock.systemUTC());
            spools.add(spool);
            List<IssuedCode> codes = Fleet.codes(registry, count, firstStudent + 10_000 * i);
            for (int j = 0; j < count; j++) {
                Instant now = Instant.now();
                Path sealed = dir.resolve("photo-" + j + ".cms");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(sealed), 1 << 16)) {
                    EnvelopeSealer.forBundle(credentials.get(i), bundle, now).seal(photos.get(i).get(j),
                            verifier.verify(codes.get(j).text(), now), CaptureMetadata.jpeg(now), out);
                }
                spool.enqueue(sealed, codes.get(j).codeId(), credentials.get(i).stationId(), "photo-" + j + ".cms");
                Files.delete(sealed);
            }
        }
        return spools;
    }

    /**
     * Every station uploads its spool to its node, all at once. The clocks start when every station's client
     * is built and ready, and stop when the last station's run has ended.
     */
    private static Measurement upload(Deployment deployment, List<StationCredentials> credentials,
            List<Spool> spools) throws Exception {
        int n = spools.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CyclicBarrier start = new CyclicBarrier(n + 1);
        List<Future<UploadRun>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                MockRegistry node = deployment.nodeFor(i);
                Uploader uploader = new Uploader(UploadConfig.builder(HttpUrl.get(node.baseUri() + "/files/")).build(),
                        Fleet.client(node, credentials.get(i)).build(), spools.get(i), ProgressListener.NONE);
                runs.add(pool.submit(() -> {
                    start.await();
                    return uploader.runOnce();
                }));
            }
            Deployment.DatabaseActivity activity0 = deployment.databaseActivity();
            Thread.sleep(STATISTICS_DELAY_MILLIS);
            double jvm0 = CpuClock.jvmSeconds();
            double db0 = deployment.databaseCpuSeconds();
            long t0 = System.nanoTime();
            start.await();
            int delivered = 0;
            for (Future<UploadRun> run : runs) {
                delivered += run.get().delivered();
            }
            long elapsed = System.nanoTime() - t0;
            double jvm = CpuClock.jvmSeconds() - jvm0;
            double db = deployment.databaseCpuSeconds() - db0;
            Thread.sleep(STATISTICS_DELAY_MILLIS);
            return new Measurement(delivered, elapsed / 1e9, jvm, db, deployment.databaseActivity().minus(activity0));
        } finally {
            pool.shutdownNow();
            for (Spool spool : spools) {
                spool.close();
            }
        }
    }

    /** PostgreSQL on loopback; without its programs, says how to get them and exits 3, having installed nothing. */
    private static LoopbackPostgres startPostgres() throws Exception {
        try {
            return LoopbackPostgres.start();
        } catch (IllegalStateException e) {
            System.err.println("codebound-bench nodes: " + e.getMessage());
            System.exit(3);
            throw e;
        }
    }

    private static int positive(String[] args, int i) {
        String text = value(args, i);
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Falls through to the one message below.
        }
        usage(args[i - 1] + " takes a positive whole number, got " + text);
        return 0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String message) {
        System.err.println("codebound-bench nodes: " + message + " (try --help)");
        System.exit(2);
    }
}
