package dev.codebound.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.testkit.SamplePhotos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

/**
 * Secrets at rest and in flight on the station's machine: key files owner-only and encrypted, no
 * secret in any process's arguments (shown on real child processes and by the command
 * definitions), and neither the help texts nor the docs tell anyone to put one there.
 */
class SecretsHandlingTest {
    static final String PASSPHRASE = "secrets test passphrase 7hQm";
    /** An option or parameter whose name says it carries a secret. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i)token|passphrase|password|secret|private|pin\\b");

    @TempDir
    static Path temp;
    @RegisterExtension
    static CodeboundRegistry registry = CodeboundRegistry.builder().build();

    private static TestStation station(String name) {
        Path home = temp.resolve(name);
        return new TestStation(home, Map.of(StationHome.ENVIRONMENT_VARIABLE, home.toString(),
                StationKeys.PASSPHRASE_VARIABLE, PASSPHRASE));
    }

    /** Checked on the station of the child-process test, after its day: enrolled, captured, uploaded. */
    private static void assertKeyFilesAreOwnerOnlyAndTheStationKeyIsEncrypted(TestStation station) throws Exception {
        Path key = station.station().privateKey();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String pem = Files.readString(key);
        assertTrue(pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "passphrase-protected PKCS#8");
        assertFalse(pem.contains("BEGIN PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY"));
        for (Path directory = key.getParent(); directory.startsWith(temp); directory = directory.getParent()) {
            assertNotWritableByOthers(directory);
            if (directory.equals(station.home())) {
                break;
            }
        }
        Path registryDir = registry.dataDir();
        int keys = 0;
        try (Stream<Path> files = Files.walk(registryDir.resolve("keys"))) {
            for (Path file : files.toList()) {
                if (Files.isDirectory(file)) {
                    assertNotWritableByOthers(file);
                } else if (Files.readString(file).contains("PRIVATE KEY-----")) {
                    keys++;
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            file.toString());
                }
            }
        }
        assertTrue(keys >= 4, "CA, code signing, encryption, receipt signing (and TLS) keys: " + keys);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                registryDir.resolve("admin-token"))));
    }

    @Test
    void enrollAndUploadAsChildProcessesCarryNoSecretInTheirArguments() throws Exception {
        TestStation station = station("child-station");
        CliRun init = station.run("init", "--registry-url=" + registry.baseUri(),
                "--registry-ca=" + registry.caCertificateFile(), "--schools=10337");
        assertEquals(ExitCodes.OK, init.exitCode(), init::both);
        String token = registry.enrollmentToken();
        String enrollArgs = runChild(station, Map.of(EnrollCommand.TOKEN_VARIABLE, token), "enroll");
        assertFalse(enrollArgs.contains(token), enrollArgs);
        assertFalse(enrollArgs.contains(PASSPHRASE), enrollArgs);
        assertFalse(enrollArgs.contains(token.substring(0, token.length() / 2)), enrollArgs);

        Path photo = temp.resolve("child.jpg");
        Files.write(photo, SamplePhotos.good(3));
        CliRun capture = station.run(Map.of(), registry.issueCode().text(), "capture", "--code-stdin",
                photo.toString());
        assertEquals(ExitCodes.OK, capture.exitCode(), capture::both);
        String uploadArgs = runChild(station, Map.of(), "upload");
        assertFalse(uploadArgs.contains(PASSPHRASE), uploadArgs);
        assertFalse(uploadArgs.contains("passphrase"), uploadArgs);
        assertKeyFilesAreOwnerOnlyAndTheStationKeyIsEncrypted(station);
    }

    /**
     * Runs the agent in a child JVM with {@code extra} environment, reads its
     * {@code /proc/<pid>/cmdline} while it runs, waits for exit 0 and returns the arguments (NULs
     * as spaces). Also checks that the environment, where the secrets are, is readable by its owner
     * only.
     */
    private static String runChild(TestStation station, Map<String, String> extra, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                AgentCommand.class.getName()));
        command.addAll(List.of(args));
        Path log = temp.resolve("child-" + args[0] + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(station.environment());
        builder.environment().putAll(extra);
        Process child = builder.start();
        String cmdline;
        Set<PosixFilePermission> environ;
        try {
            Path proc = Path.of("/proc", Long.toString(child.pid()));
            cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
            environ = Files.getPosixFilePermissions(proc.resolve("environ"));
            assertTrue(child.isAlive(), "read while it runs");
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child finished");
        } finally {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), () -> read(log));
        assertTrue(cmdline.contains(AgentCommand.class.getName() + " " + args[0]), cmdline);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ), environ, "/proc/<pid>/environ is owner-only");
        return cmdline;
    }

    @Test
    void noOptionOrParameterAcceptsASecretValue() {
        List<String> offending = new ArrayList<>();
        forEachCommand(AgentCommand.commandLine(environment()), spec -> {
            for (OptionSpec option : spec.options()) {
                boolean secretName = SECRET_NAME.matcher(String.join(" ", option.names())).find()
                        || SECRET_NAME.matcher(option.paramLabel()).find();
                boolean takesAFile = option.longestName().endsWith("-file") && option.paramLabel().equals("FILE");
                boolean isAFlag = option.arity().max() == 0;
                if (secretName && !takesAFile && !isAFlag) {
                    offending.add(spec.qualifiedName() + " " + option.longestName());
                }
            }
            for (PositionalParamSpec parameter : spec.positionalParameters()) {
                if (SECRET_NAME.matcher(parameter.paramLabel()).find()) {
                    offending.add(spec.qualifiedName() + " " + parameter.paramLabel());
                }
            }
        });
        assertEquals(List.of(), offending);
    }

    @Test
    void helpTextsNeverSayToPassASecretAsAnArgument() {
        Pattern secretArgument = Pattern.compile("--(token|passphrase|password|secret)(?!-file)\\b|"
                + "(TOKEN|PASSPHRASE)=\\S");
        List<String> offending = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        forEachCommand(AgentCommand.commandLine(environment()), spec -> {
            String help = spec.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
            checked.add(spec.qualifiedName());
            if (secretArgument.matcher(help).find()) {
                offending.add(spec.qualifiedName() + ":\n" + help);
            }
        });
        assertEquals(List.of(), offending);
        assertTrue(checked.contains("codebound-agent enroll") && checked.contains("codebound-agent init"), checked
                .toString());
        String enrollHelp = help("enroll", "--help");
        assertTrue(enrollHelp.contains(EnrollCommand.TOKEN_VARIABLE) && enrollHelp.contains("--token-file"),
                enrollHelp);
        String initHelp = help("init", "--help");
        assertTrue(initHelp.contains(StationKeys.PASSPHRASE_VARIABLE) && initHelp.contains("--passphrase-file"),
                initHelp);
    }

    @Test
    void docsNeverSayToPutASecretOnTheCommandLine() throws IOException {
        // A secret as an option value, a secret variable assigned inline before a command (shell
        // history), or a bearer token expanded into curl's arguments (the process list).
        Pattern bad = Pattern.compile("--(token|passphrase|password|secret)(?!-file)\\b[ =]\\S"
                + "|(CODEBOUND_ENROLLMENT_TOKEN|CODEBOUND_KEY_PASSPHRASE)=\\S"
                + "|Bearer \\$\\(|-u \\S+:\\S+");
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(file -> file.toString().endsWith(".md") || file.toString().endsWith(".yaml"))
                    .forEach(documents::add);
        }
        assertTrue(documents.size() >= 6, documents.toString());
        List<String> offending = new ArrayList<>();
        for (Path document : documents) {
            List<String> lines = Files.readAllLines(document);
            for (int i = 0; i < lines.size(); i++) {
                if (bad.matcher(lines.get(i)).find()) {
                    offending.add(root.relativize(document) + ":" + (i + 1) + ": " + lines.get(i));
                }
            }
        }
        assertEquals(List.of(), offending);
    }

    private static void assertNotWritableByOthers(Path path) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        assertFalse(permissions.contains(PosixFilePermission.OTHERS_WRITE), path + " is world-writable");
        assertFalse(permissions.contains(PosixFilePermission.GROUP_WRITE), path + " is group-writable");
    }

    private static AgentEnvironment environment() {
        return new AgentEnvironment(Map.of(), new ByteArrayInputStream(new byte[0]), false);
    }

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = AgentCommand.commandLine(environment());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        commandLine.execute(args);
        return out.toString();
    }

    private static void forEachCommand(CommandLine commandLine, java.util.function.Consumer<CommandSpec> action) {
        action.accept(commandLine.getCommandSpec());
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            forEachCommand(sub, action);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
