package dev.codebound.server;

import dev.codebound.protocol.io.DurableFiles;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.server.admin.AdminRoutes;
import dev.codebound.server.admin.RequestJournal;
import dev.codebound.server.admin.ServerMetrics;
import dev.codebound.server.adminui.AdminSessions;
import dev.codebound.server.adminui.AdminUiRoutes;
import dev.codebound.server.adminui.SessionGuard;
import dev.codebound.server.faults.FaultInjector;
import dev.codebound.server.faults.FaultRoutes;
import dev.codebound.server.http.AdminGuard;
import dev.codebound.server.http.Route;
import dev.codebound.server.http.Router;
import dev.codebound.server.http.ServerPipeline;
import dev.codebound.server.http.StationAuthenticator;
import dev.codebound.server.objects.ObjectStore;
import dev.codebound.server.postgres.SharedStorage;
import dev.codebound.server.registry.EnvelopeAcceptance;
import dev.codebound.server.registry.Registry;
import dev.codebound.server.registry.RegistryRoutes;
import dev.codebound.server.registry.StationCertificateRoutes;
import dev.codebound.server.transparency.TransparencyRoutes;
import dev.codebound.server.upload.CompletionHandler;
import dev.codebound.server.upload.UploadReaper;
import dev.codebound.server.upload.FileUploadStore;
import dev.codebound.server.upload.MemoryUploadLocker;
import dev.codebound.server.upload.NodeUploadQuota;
import dev.codebound.server.upload.TusService;
import dev.codebound.server.upload.UnfinishedUploadQuota;
import dev.codebound.server.upload.UploadLocker;
import dev.codebound.server.upload.UploadStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running mock registry: the tus upload endpoint and the admin endpoints on one port. Start it
 * with {@link #start}; stop it with {@link #close} (graceful) or {@link #crash} (abrupt, for
 * tests of recovery). A new instance over the same data directory recovers where the last one
 * stopped, whichever way it stopped.
 */
public final class MockRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MockRegistry.class.getName());
    private static final Duration GRACE = Duration.ofSeconds(5);
    /** The only TLS version served (see {@link #sslContext}). */
    static final String TLS_PROTOCOL = "TLSv1.3";

    private final MockRegistryConfig config;
    private final ServerKeys keys;
    private final Optional<String> adminToken;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService storage;
    private final ScheduledExecutorService reaper;
    private final ChannelGroup connections;
    private final ServerMetrics metrics;
    private final FaultInjector faults;
    private final Channel listener;
    private final Registry registry;
    private final UploadStore store;
    /** The upload store, the registry and, over shared stores, the database they use: closed in this order. */
    private final Closeable[] stores;
    private final Optional<ObjectStore> objects;
    private final Router router;
    private boolean stopped;

    private MockRegistry(MockRegistryConfig config, ServerKeys keys, Optional<String> adminToken,
            EventLoopGroup boss, EventLoopGroup workers, ExecutorService storage, ScheduledExecutorService reaper,
            ChannelGroup connections, ServerMetrics metrics, FaultInjector faults, Channel listener,
            Registry registry, UploadStore store, Closeable[] stores, Optional<ObjectStore> objects, Router router) {
        this.config = config;
        this.keys = keys;
        this.adminToken = adminToken;
        this.boss = boss;
        this.workers = workers;
        this.storage = storage;
        this.reaper = reaper;
        this.connections = connections;
        this.metrics = metrics;
        this.faults = faults;
        this.listener = listener;
        this.registry = registry;
        this.store = store;
        this.stores = stores;
        this.objects = objects;
        this.router = router;
    }

    /**
     * Opens the object store when the stores are shared (an S3 bucket is checked to exist and be
     * writable), creates missing keys, recovers stored uploads (cutting unacknowledged bytes, deciding uploads
     * whose outcome a crash prevented), then listens. Fails if plain mode is asked for on a
     * non-loopback address, or if the object storage cannot be written.
     */
    public static MockRegistry start(MockRegistryConfig config) throws IOException {
        InetAddress bind = InetAddress.getByName(config.bindAddress());
        if (!config.tls() && !bind.isLoopbackAddress()) {
            throw new IllegalArgumentException("plain mode serves unauthenticated HTTP and trusts the "
                    + StationAuthenticator.DEV_STATION_HEADER + " header, so it binds only to loopback addresses, not "
                    + config.bindAddress());
        }
        Path dataDir = config.dataDir().toAbsolutePath();
        securePrivately(dataDir);
        Optional<ObjectStore> objects = openObjectStore(config, dataDir);
        try {
            return start(config, bind, dataDir, objects);
        } catch (IOException | RuntimeException e) {
            closeQuietly(objects.stream().toArray(Closeable[]::new));
            throw e;
        }
    }

    /**
     * The object store of the shared stores, opened first and ready to take bytes (an S3 bucket is
     * checked writable), or empty over the embedded stores: a registry that could not keep bytes
     * there must not start and accept uploads.
     */
    private static Optional<ObjectStore> openObjectStore(MockRegistryConfig config, Path dataDir) throws IOException {
        if (config.sharedStorage().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(config.sharedStorage().get().objects().open(dataDir.resolve("s3-spool")));
    }

    private static MockRegistry start(MockRegistryConfig config, InetAddress bind, Path dataDir,
            Optional<ObjectStore> objects) throws IOException {
        ServerKeys keys = ServerKeys.loadOrCreate(config.keysDir().toAbsolutePath(), config.clock().instant());
        // In plain mode the token guards only the admin web page's login; the admin API trusts loopback there.
        String token = ServerKeys.adminToken(dataDir);
        Optional<String> adminToken = config.tls() ? Optional.of(token) : Optional.empty();

        ExecutorService storage = new ThreadPoolExecutor(config.storageThreads(), config.storageThreads(), 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads("codebound-storage"));
        UploadStore store;
        UnfinishedUploadQuota quota;
        UploadLocker locker;
        Registry registry;
        Closeable[] stores;
        try {
            if (config.sharedStorage().isPresent()) {
                SharedStorage shared = SharedStorage.open(config.sharedStorage().get(), objects.orElseThrow(),
                        keys.keyring().authority().certificate(), dataDir.resolve("spool"));
                store = shared.uploads();
                quota = shared.uploads();
                locker = shared.locker();
                try {
                    registry = Registry.open(shared.registryStores(), keys.keyring(), config.clock(),
                            config.acceptedSuites(), config.codeSuite());
                } catch (IOException | RuntimeException e) {
                    closeQuietly(store, shared);
                    throw e;
                }
                stores = new Closeable[] {store, registry, shared};
            } else {
                store = new FileUploadStore(dataDir.resolve("uploads"));
                quota = new NodeUploadQuota(store);
                locker = new MemoryUploadLocker();
                try {
                    registry = Registry.open(dataDir, keys.keyring(), config.clock(), config.acceptedSuites(),
                            config.codeSuite());
                } catch (IOException | RuntimeException e) {
                    closeQuietly(store);
                    throw e;
                }
                stores = new Closeable[] {store, registry};
            }
        } catch (IOException | RuntimeException e) {
            storage.shutdownNow();
            throw e;
        }
        RequestJournal journal = new RequestJournal(config.journalCapacity());
        ServerMetrics metrics = new ServerMetrics(journal);
        CompletionHandler completion = config.completionHandler().isPresent() ? config.completionHandler().get()
                : new EnvelopeAcceptance(registry, registry.photos(), dataDir.resolve("registry").resolve("opening"));
        TusService tus = new TusService(store, quota, locker, completion, storage, config.clock(),
                new TusService.Settings(config.maxUploadSize(), config.uploadExpiry(),
                        config.bufferedBytesPerRequest(), config.maxUnfinishedUploadsPerStation()),
                metrics);
        try {
            tus.recover();
        } catch (IOException | RuntimeException e) {
            storage.shutdownNow();
            closeQuietly(stores);
            throw e;
        }

        Router router = new Router();
        tus.register(router);
        new RegistryRoutes(registry, storage).register(router);
        new StationCertificateRoutes(registry.stations(), storage).register(router);
        new TransparencyRoutes(registry.log(), storage).register(router);
        new AdminRoutes(metrics, journal, config.clock(), config.tls() ? "tls" : "plain",
                Certificates.fingerprint(keys.keyring().authority().certificate())).register(router);

        SslContext tls = config.tls() ? sslContext(keys, config.tlsEngine()) : null;
        StationAuthenticator stations = (config.tls() ? StationAuthenticator.clientCertificate()
                : StationAuthenticator.devHeader())
                .refusingRevoked(station -> config.tls()
                        ? registry.stations().isRevoked(station.stationId(), station.serialHex())
                        : registry.stations().isRevoked(station.stationId()));
        AdminSessions sessions = new AdminSessions(config.clock());
        new AdminUiRoutes(sessions, token, config.tls(), storage).register(router);
        AdminGuard admins = new SessionGuard(sessions,
                adminToken.map(AdminGuard::bearerToken).orElseGet(AdminGuard::loopbackOnly), config.tls());
        FaultInjector faults = new FaultInjector(router, tus, config.seed().orElseGet(FaultInjector::randomSeed));
        new FaultRoutes(faults).register(router);
        try {
            // Last, so that the plan is checked against every registered route.
            faults.replace(config.faultPlan());
        } catch (RuntimeException e) {
            storage.shutdownNow();
            closeQuietly(stores);
            throw e;
        }
        ServerPipeline pipeline = new ServerPipeline(tls, router, stations, admins, metrics, config.clock(),
                config.clientLimits(), faults);

        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, threads("codebound-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
                threads("codebound-io"), NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ScheduledExecutorService reaper = new ScheduledThreadPoolExecutor(1, threads("codebound-expiry"));
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            connections.add(channel);
                            channel.pipeline().addLast(pipeline);
                        }
                    })
                    .bind(new InetSocketAddress(bind, config.port()))
                    .syncUninterruptibly()
                    .channel();
            long interval = config.expiryCheckInterval().toMillis();
            reaper.scheduleWithFixedDelay(new UploadReaper(store, locker, config.clock(), config.uploadRetention()),
                    interval, interval, TimeUnit.MILLISECONDS);
            return new MockRegistry(config, keys, adminToken, boss, workers, storage, reaper, connections, metrics,
                    faults, listener, registry, store, stores, objects, router);
        } catch (Exception e) {
            // Netty rethrows bind failures (a checked BindException) without declaring them.
            reaper.shutdownNow();
            storage.shutdownNow();
            closeQuietly(stores);
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        }
    }

    /**
     * Nothing in the data directory is for other local users: it holds keys, the admin token, codes
     * (bearer credentials), sealed envelopes and decrypted photos, and what is public (CA
     * certificate, trust bundle, transparency log) is served over HTTP. So the directory and
     * everything in it is owner-only: created so (directories 0700, files 0600), and a directory
     * left by an earlier version, whose files had the umask's modes, is tightened here, with a log
     * line saying so.
     */
    private static void securePrivately(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            DurableFiles.createPrivateDirectory(dataDir);
            return;
        }
        List<Path> tightened = DurableFiles.restrictTreeToOwner(dataDir);
        if (!tightened.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "took group and other permissions off {0} files and directories "
                    + "under {1} (left by an earlier version); the data directory is owner-only",
                    tightened.size(), dataDir);
        }
    }

    /**
     * The JDK's TLS with the server certificate; client certificates are optional at the TLS layer
     * (public routes need none) and, when sent, must chain to the registry CA. Keys and
     * certificates are re-read through the JDK's own factories so the JDK's TLS gets its own types.
     *
     * <p>TLS 1.3 only: it has no renegotiation at all, so a client cannot make the server redo
     * handshakes (a CPU drain) on one connection, nor change its certificate after the server has
     * tied the connection to a station. Disabling client renegotiation under TLS 1.2 would take the
     * JDK-wide system property {@code jdk.tls.rejectClientInitiatedRenegotiation}, read once per
     * JVM, which an embeddable server must not set behind its host's back. Every client of this
     * project (the agent's OkHttp, tus-java-client, curl) speaks TLS 1.3.
     *
     * <p>The engine ({@link TlsEngine}) changes the cost, not the behaviour: the same protocol
     * version, certificates, client-certificate policy and trust anchor with either.
     */
    private static SslContext sslContext(ServerKeys keys, TlsEngine engine) throws IOException {
        try {
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(keys.tlsKey().getEncoded()));
            return SslContextBuilder.forServer(key, jdk(keys.tlsCertificate()))
                    .sslProvider(engine.provider())
                    .trustManager(jdk(keys.keyring().authority().certificate()))
                    .clientAuth(ClientAuth.OPTIONAL)
                    .protocols(TLS_PROTOCOL)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static X509Certificate jdk(X509Certificate certificate) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The TLS implementation serving this registry ({@link TlsEngine}); empty in plain mode. */
    public Optional<SslProvider> tlsProvider() {
        return config.tls() ? Optional.of(config.tlsEngine().provider()) : Optional.empty();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** {@code https://host:port} (or {@code http://} in plain mode), without a trailing slash. */
    public URI baseUri() {
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + address.getPort());
    }

    public MockRegistryConfig config() {
        return config;
    }

    /** The registry's keys (CA, code signing, encryption, receipts). */
    public RegistryKeyring keyring() {
        return keys.keyring();
    }

    /** The registry's state: stations, codes, trust bundle, accepted photos. */
    public Registry registry() {
        return registry;
    }

    /** The tus upload store: the embedded one under the data directory, or the shared one. */
    public UploadStore uploadStore() {
        return store;
    }

    /** The object store the shared stores keep bytes in, opened at start; empty over the embedded stores. */
    public Optional<ObjectStore> objectStore() {
        return objects;
    }

    /** The PEM file of the registry CA certificate: what clients trust. */
    public Path caCertificateFile() {
        return keys.caCertificateFile();
    }

    /** The admin bearer token (TLS mode only; in plain mode the same file's token opens only the admin web page). */
    public Optional<String> adminToken() {
        return adminToken;
    }

    /**
     * Every route served (method, path template, who may call it), in registration order: what
     * docs/openapi.yaml must describe, path for path.
     */
    public List<Route> routes() {
        return router.routes();
    }

    /** The fault injector: its seed and plan, replaceable at runtime. */
    public FaultInjector faults() {
        return faults;
    }

    /** Whether this start created the registry's keys. */
    public boolean createdKeys() {
        return keys.created();
    }

    /**
     * Graceful stop: stops accepting connections, gives requests in flight up to five seconds to
     * finish, then closes every connection and waits for storage work to end.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        listener.close().syncUninterruptibly();
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (metrics.inFlight() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        connections.close().awaitUninterruptibly();
        reaper.shutdownNow();
        storage.shutdown();
        awaitTermination(storage);
        closeRegistry();
        shutdownEventLoops();
    }

    /**
     * Simulated crash for tests: every connection is reset at once, queued storage work is
     * dropped, and nothing more is written. Only what was already durable survives, exactly as after
     * {@code kill -9}; a storage task already in a system call finishes it first, as the kernel
     * would. Start a new instance over the same data directory to recover.
     */
    public synchronized void crash() {
        if (stopped) {
            return;
        }
        stopped = true;
        storage.shutdownNow();
        reaper.shutdownNow();
        for (Channel connection : connections) {
            connection.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        connections.close().awaitUninterruptibly();
        listener.close().syncUninterruptibly();
        awaitTermination(storage);
        closeRegistry();
        shutdownEventLoops();
    }

    /** Releases the registry's files; what was durable stays so, exactly as after a process exit. */
    private void closeRegistry() {
        closeQuietly(stores);
        closeQuietly(objects.stream().toArray(Closeable[]::new));
    }

    private static void closeQuietly(Closeable... closeables) {
        for (Closeable closeable : closeables) {
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the registry's files failed: " + e.getMessage());
            }
        }
    }

    private void shutdownEventLoops() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly();
        workers.terminationFuture().awaitUninterruptibly();
    }

    private static void awaitTermination(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "storage work still running after " + GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
