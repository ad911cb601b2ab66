package dev.codebound.agent.torture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash torture (docs/reliability.md): the agent and the registry as separate processes, SIGKILLed
 * at seeded random moments during capture and upload, restarted, and checked at the end: every
 * photo accepted exactly once, every receipt valid, spool and upload state clean.
 *
 * <p>System properties: {@code torture.seed} (default: drawn at random and printed),
 * {@code torture.kills} (default 10; the long run uses 100), {@code torture.batch} (photos per
 * batch, default 8), {@code torture.dir} (keep the work directory there instead of a temporary
 * one). The long run:
 *
 * <pre>
 * mvn -B -ntp -pl agent -am verify -Dtest=CrashTortureTest -Dsurefire.failIfNoSpecifiedTests=false -Dtorture.kills=100
 * </pre>
 */
class CrashTortureTest {
    @TempDir
    Path temp;

    @Test
    void noAcceptedPhotoIsLostOrDuplicatedWhenEitherProcessIsKilled() throws Exception {
        long seed = Long.getLong("torture.seed", new SecureRandom().nextLong() & Long.MAX_VALUE);
        int kills = Integer.getInteger("torture.kills", 10);
        int batch = Integer.getInteger("torture.batch", CrashTorture.DEFAULT_BATCH);
        String dir = System.getProperty("torture.dir", "");
        Path work = dir.isBlank() ? temp : Files.createDirectories(Path.of(dir));
        // Printed first, to the console as well as the report, so that a hung run can still be replayed.
        System.err.println("crash torture seed " + seed + " (replay: -Dtorture.seed=" + seed + " -Dtorture.kills="
                + kills + ")");
        CrashTorture torture = new CrashTorture(new CrashTorture.Settings(seed, kills, batch, 8 * 1024, "64KiB",
                work), System.out);
        TortureInvariants invariants;
        try {
            torture.run();
            invariants = new TortureInvariants(torture);
            invariants.checkAll();
        } finally {
            torture.shutdown();
        }
        StringBuilder report = new StringBuilder();
        torture.report().forEach(line -> report.append(line).append('\n'));
        invariants.findings.forEach(line -> report.append(line).append('\n'));
        invariants.failures.forEach(line -> report.append("FAIL ").append(line).append('\n'));
        System.out.print(report);
        System.err.print(report);
        assertTrue(invariants.failures.isEmpty(), () -> "crash torture failed (seed " + seed + "):\n" + report);
    }
}
