package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.desk.DeskServer;
import dev.codebound.agent.desk.DeskService;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.StationContext;
import dev.codebound.agent.upload.UploadSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.function.Supplier;

/**
 * A capture desk run in-process for a test: the service and its page on an ephemeral loopback port,
 * over an enrolled station, with the upload window the test sets (read at every scheduled run).
 */
record TestDesk(TestStation station, DeskService service, DeskServer page, Spool spool, TransferLog log, Path folder)
        implements AutoCloseable {

    static TestDesk start(TestStation station, Path folder, Supplier<String> window) throws Exception {
        Files.createDirectories(folder);
        StationContext context = StationContext.load(station.station(), station.environment(), Clock.systemUTC());
        Spool spool = Spool.open(station.station().spool(), Clock.systemUTC(), "serve");
        TransferLog log = TransferLog.open(station.station(), Clock.systemUTC(), context.credentials());
        DeskService service = DeskService.start(context, new DeskService.Settings(folder, Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(120), false), spool, log,
                DeskService.configuredUploads(context, () -> new UploadSettings.Overrides(window.get(), null, null)),
                Duration.ofMillis(300));
        DeskServer page = DeskServer.start(service, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                station.station().deskToken(), Clock.systemUTC());
        return new TestDesk(station, service, page, spool, log, folder);
    }

    /** A daily window that does not contain the present moment. */
    static String closedWindow() {
        LocalTime later = LocalTime.now().plusHours(3).withSecond(0).withNano(0);
        return later + "-" + later.plusMinutes(30);
    }

    /** The access token the page wrote for the operator. */
    String token() throws IOException {
        return Files.readString(station.station().deskToken()).strip();
    }

    DeskClient login() throws IOException {
        return DeskClient.login(page.url(), token());
    }

    /** Puts a photo into the folder as a camera finishes one: written aside, then renamed in. */
    void shoot(String name, byte[] photo) throws IOException {
        Path partial = folder.resolve("." + name + ".part");
        Files.write(partial, photo);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws Exception {
        page.close();
        assertTrue(service.stop(Duration.ofSeconds(30)), "the desk stopped cleanly");
        log.close();
        spool.close();
    }
}
