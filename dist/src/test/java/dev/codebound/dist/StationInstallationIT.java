package dev.codebound.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled station installation works as docs/agent.md tells an operator to install it: the
 * launcher on the PATH through a symbolic link, run from any directory; man pages and completion
 * generated from the command tree; systemd units that systemd itself accepts.
 */
class StationInstallationIT {
    private static final Path INSTALLATION = Path.of(System.getProperty("codebound.installation"));
    private static final Path LAUNCHER = INSTALLATION.resolve("bin/codebound-agent");

    @TempDir
    Path elsewhere;

    record Run(int exitCode, String output) {}

    @Test
    void theLauncherRunsTheAgentThroughASymbolicLinkFromAnyDirectory() throws Exception {
        Path bin = Files.createDirectories(elsewhere.resolve("usr/local/bin"));
        Path link = Files.createSymbolicLink(bin.resolve("codebound-agent"), LAUNCHER);
        assertTrue(Files.getPosixFilePermissions(LAUNCHER).contains(PosixFilePermission.OTHERS_EXECUTE));

        Run version = run(elsewhere, Map.of(), link.toString(), "--version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().startsWith("codebound-agent "), version.output());
        assertTrue(version.output().contains("cryptography: BoringSSL (Conscrypt "),
                "the installation loads BoringSSL on Linux x86_64: " + version.output());

        Run misuse = run(elsewhere, Map.of(), link.toString(), "upload", "--no-such-option");
        assertEquals(2, misuse.exitCode(), "the agent's own exit code passes through the launcher: "
                + misuse.output());
    }

    @Test
    void withoutAJavaRuntimeTheLauncherSaysWhatToInstall() throws Exception {
        Run run = run(elsewhere, Map.of("JAVA_HOME", elsewhere.resolve("no-jdk").toString()), LAUNCHER.toString(),
                "--version");
        assertEquals(127, run.exitCode(), run.output());
        assertTrue(run.output().contains("install Java 17 or newer, or set JAVA_HOME"), run.output());
    }

    @Test
    void theLauncherPassesJvmOptionsFromTheEnvironment() throws Exception {
        Run run = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS",
                "-Xmx64m -XX:+UnlockDiagnosticVMOptions -Dcodebound.crypto=java"), LAUNCHER.toString(), "--version");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("cryptography: Bouncy Castle "), "the engine an operator chose: " + run.output());
        Run refused = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-XX:+NoSuchJvmOption"), LAUNCHER.toString(),
                "--version");
        assertTrue(refused.exitCode() != 0 && refused.output().contains("NoSuchJvmOption"), refused.output());
    }

    @Test
    void boringSslIsUnpackedWhereOnlyTheStationsUserCanWriteAndNothingIsLeftBehind() throws Exception {
        Path temporary = Files.createDirectory(elsewhere.resolve("tmp"));
        Run run = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-Djava.io.tmpdir=" + temporary + " -Xlog:library=info"),
                LAUNCHER.toString(), "--version");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("cryptography: BoringSSL (Conscrypt "), run.output());
        String loaded = run.output().lines().filter(line -> line.contains("Loaded library") && line.contains("conscrypt"))
                .findFirst().orElseThrow(() -> new AssertionError("no library load logged: " + run.output()));
        assertTrue(loaded.contains(temporary.resolve("codebound-boringssl-").toString()),
                "loaded from a directory made for it (mode 700), not from " + temporary + " itself: " + loaded);
        try (Stream<Path> left = Files.list(temporary)) {
            assertEquals(List.of(), left.toList(), "the library and its directory are gone once it is loaded");
        }
    }

    @Test
    void aWorkDirectoryOthersCanWriteToKeepsBoringSslOutAndSaysWhy() throws Exception {
        Path shared = Files.createDirectory(elsewhere.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        String workdir = "-Dorg.conscrypt.native.workdir=" + shared;

        Run auto = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", workdir), LAUNCHER.toString(), "--version");
        assertEquals(0, auto.exitCode(), auto.output());
        assertTrue(auto.output().contains("cryptography: Bouncy Castle ")
                && auto.output().contains("BoringSSL not loaded: org.conscrypt.native.workdir=" + shared
                        + " can be written by others (rwxrwxrwx); allow only its owner to write to it (chmod 700)"),
                auto.output());

        Run required = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", workdir + " -Dcodebound.crypto=native"),
                LAUNCHER.toString(), "--version");
        assertTrue(required.output().contains("cryptography: none: -Dcodebound.crypto=native: BoringSSL (Conscrypt)"
                + " cannot be loaded on this machine (org.conscrypt.native.workdir=" + shared + " can be written by"
                + " others"), required.output());
        try (Stream<Path> unpacked = Files.list(shared)) {
            assertEquals(List.of(), unpacked.toList(), "nothing was unpacked into the shared directory");
        }
    }

    @Test
    void anEngineThatCannotBeHadStopsEveryCommandBeforeItStarts() throws Exception {
        Path home = elsewhere.resolve("no-station-yet");
        Run misspelt = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-Dcodebound.crypto=nativ"), LAUNCHER.toString(),
                "status", "--home", home.toString());
        assertEquals(3, misspelt.exitCode(), misspelt.output());
        assertTrue(misspelt.output().contains("-Dcodebound.crypto=nativ is not an engine for P-256; use auto, native"
                + " or java"), misspelt.output());

        Path shared = Files.createDirectory(elsewhere.resolve("shared-workdir"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Run noBoringSsl = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-Dcodebound.crypto=native"
                + " -Dorg.conscrypt.native.workdir=" + shared), LAUNCHER.toString(), "status", "--home", home.toString());
        assertEquals(3, noBoringSsl.exitCode(), noBoringSsl.output());
        assertTrue(noBoringSsl.output().contains("BoringSSL (Conscrypt) cannot be loaded"), noBoringSsl.output());

        Run version = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-Dcodebound.crypto=nativ"), LAUNCHER.toString(),
                "--version");
        assertEquals(0, version.exitCode(), "the version still says what is wrong: " + version.output());
    }

    @Test
    void theClassArchiveMadeAtInstallationIsWhatTheLauncherStartsWith() throws Exception {
        Path installation = copyOfTheInstallation(elsewhere.resolve("opt"));
        Path launcher = installation.resolve("bin/codebound-agent");

        Run made = run(elsewhere, Map.of(), installation.resolve("bin/make-class-archive").toString());
        assertEquals(0, made.exitCode(), made.output());
        Path archive = installation.resolve("lib/codebound-agent.jsa");
        assertTrue(Files.size(archive) > 0, made.output());

        Run shared = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-Xlog:class+load=info"), launcher.toString(),
                "--version");
        assertEquals(0, shared.exitCode(), shared.output());
        assertTrue(shared.output().contains("dev.codebound.agent.cli.AgentCommand source: shared objects file (top)"),
                "the agent's classes come from the archive: " + shared.output());
    }

    @Test
    void aStaleOrDamagedClassArchiveIsIgnoredWithoutAWord() throws Exception {
        Path first = copyOfTheInstallation(elsewhere.resolve("first"));
        Run made = run(elsewhere, Map.of(), first.resolve("bin/make-class-archive").toString());
        assertEquals(0, made.exitCode(), made.output());
        // An archive is valid only for the jar it was made with, at its path: this one belongs to another installation.
        Path second = copyOfTheInstallation(elsewhere.resolve("second"));
        Path archive = second.resolve("lib/codebound-agent.jsa");
        Files.copy(first.resolve("lib/codebound-agent.jsa"), archive);
        String version = run(elsewhere, Map.of(), LAUNCHER.toString(), "--version").output();

        Run stale = run(elsewhere, Map.of("CODEBOUND_JAVA_OPTS", "-Xlog:class+load=info"),
                second.resolve("bin/codebound-agent").toString(), "--version");
        assertEquals(0, stale.exitCode(), stale.output());
        assertTrue(stale.output().contains("dev.codebound.agent.cli.AgentCommand source: file:"),
                "the agent's classes come from the jar: " + stale.output());
        assertEquals(version, run(elsewhere, Map.of(), second.resolve("bin/codebound-agent").toString(), "--version")
                .output(), "nothing but the agent's own output");

        Files.write(archive, "not a class-data archive".getBytes(StandardCharsets.US_ASCII));
        Run damaged = run(elsewhere, Map.of(), second.resolve("bin/codebound-agent").toString(), "--version");
        assertEquals(0, damaged.exitCode(), damaged.output());
        assertEquals(version, damaged.output());

        Run misuse = run(elsewhere, Map.of(), second.resolve("bin/codebound-agent").toString(), "upload",
                "--no-such-option");
        assertEquals(2, misuse.exitCode(), "the agent's own exit code passes through the launcher: "
                + misuse.output());
    }

    /** The launcher, the archive maker and the jars, copied under {@code directory}: an installation of its own. */
    private static Path copyOfTheInstallation(Path directory) throws IOException {
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path lib = Files.createDirectories(directory.resolve("lib"));
        for (String script : List.of("codebound-agent", "make-class-archive")) {
            Files.copy(INSTALLATION.resolve("bin").resolve(script), bin.resolve(script),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        for (String jar : List.of("codebound-agent.jar", "codebound-mock-server.jar")) {
            Files.copy(INSTALLATION.resolve("lib").resolve(jar), lib.resolve(jar));
        }
        return directory;
    }

    @Test
    void bashCompletesTheSubcommandsAndTheirOptions() throws Exception {
        Path completion = INSTALLATION.resolve("share/bash-completion/completions/codebound-agent");
        // As bash calls the function the script registers for the command (compopt complains outside a real
        // completion, hence the quiet stderr).
        String script = "source '" + completion + "'\n"
                + "function complete_line() { COMP_LINE=\"$*\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); "
                + "COMPREPLY=(); $(complete -p codebound-agent | sed 's/.*-F \\([^ ]*\\).*/\\1/') 2>/dev/null; "
                + "echo \"${COMPREPLY[@]}\"; }\n"
                + "complete_line codebound-agent up\n"
                + "complete_line codebound-agent upload --win\n";
        Run run = run(elsewhere, Map.of(), "bash", "-c", script);
        assertEquals(0, run.exitCode(), run.output());
        List<String> lines = run.output().lines().toList();
        assertEquals(List.of("upload", "--window"), lines, run.output());
    }

    @Test
    void everyCommandHasAManPage() throws Exception {
        Path man = INSTALLATION.resolve("share/man/man1");
        for (String page : List.of("codebound-agent", "codebound-agent-upload", "codebound-agent-capture",
                "codebound-agent-watch", "codebound-agent-serve", "codebound-agent-audit-verify",
                "codebound-agent-generate-completion")) {
            Path file = man.resolve(page + ".1");
            assertTrue(Files.isRegularFile(file), "missing man page " + file);
            String roff = Files.readString(file, StandardCharsets.UTF_8);
            String title = page.toUpperCase(Locale.ROOT).replace("-", "\\-");
            assertTrue(roff.contains(".TH \"" + title + "\" \"1\""), file + " has no title line for " + page);
        }
        String upload = Files.readString(man.resolve("codebound-agent-upload.1"), StandardCharsets.UTF_8);
        assertTrue(upload.contains("window"), upload);
    }

    @Test
    void systemdAcceptsTheUploadServiceAndTimerAndTheDeskService() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed here");
        // The units name the documented install location; point them at this installation to verify them here.
        Path units = Files.createDirectories(elsewhere.resolve("units"));
        for (String unit : List.of("codebound-upload.service", "codebound-upload.timer", "codebound-desk.service")) {
            String text = Files.readString(INSTALLATION.resolve("share/systemd").resolve(unit), StandardCharsets.UTF_8);
            Files.writeString(units.resolve(unit), text.replace("/usr/local/bin/codebound-agent", LAUNCHER.toString()));
        }
        Run run = run(units, Map.of(), "systemd-analyze", "verify", "--man=no",
                units.resolve("codebound-upload.timer").toString(), units.resolve("codebound-upload.service").toString(),
                units.resolve("codebound-desk.service").toString());
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("", run.output().strip(), "systemd-analyze found something to say about the units");
    }

    private static boolean onPath(String command) throws Exception {
        return run(Path.of("."), Map.of(), "sh", "-c", "command -v " + command).exitCode() == 0;
    }

    private static Run run(Path directory, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "still running: " + String.join(" ", command));
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
