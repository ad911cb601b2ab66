package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.agent.quickstart.Quickstart;
import dev.codebound.agent.quickstart.ServerJarLocator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the whole story end to end on embedded defaults. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Start a mock registry, enroll a station, issue codes as QR images, capture and seal sample "
                + "photos (one refused), upload them, verify the receipts, audit the station, and stop the registry.",
            "Exit codes: 0 the story ran as described, 1 it did not (the transcript says where), 3 the mock "
                + "registry's jar cannot be found."})
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "codebound-demo",
            description = "Workspace; cleared first if an earlier quickstart made it (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--server-jar", paramLabel = "JAR",
            description = "The mock registry's jar (default: " + ServerJarLocator.JAR_NAME + " beside the agent's "
                    + "jar, else mock-server/target/ of the build tree the agent was built in).")
    Path serverJar;

    @Option(names = "--json", description = "Print the summary as one JSON object; the transcript goes to standard "
            + "error.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final AgentEnvironment environment;

    /** Created by {@link AgentFactory} with the environment of the command line it belongs to. */
    QuickstartCommand(AgentEnvironment environment) {
        this.environment = environment;
    }

    /** For picocli's default factory, which the man page and completion generators use. */
    QuickstartCommand() {
        this(AgentEnvironment.system());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // With --json standard output carries the summary object only, so a script can parse it.
        PrintWriter transcript = json ? spec.commandLine().getErr() : out;
        Quickstart.Summary summary = new Quickstart(workspace, serverJar(), transcript, environment.interactive())
                .run();
        transcript.flush();
        if (json) {
            out.println(new ObjectMapper().createObjectNode().put("codesIssued", summary.codesIssued())
                    .put("sealed", summary.sealed()).put("refusedAtCapture", summary.refusedAtCapture())
                    .put("delivered", summary.delivered()).put("receiptsVerified", summary.receiptsVerified())
                    .put("refusedByRegistry", summary.refusedByRegistry()).put("auditPassed", summary.auditPassed())
                    .put("asExpected", summary.asExpected())
                    .put("workspace", workspace.toAbsolutePath().toString()));
            return summary.asExpected() ? ExitCodes.OK : ExitCodes.INTERNAL;
        }
        out.println();
        out.println("Summary");
        out.println("  collection codes issued:         " + summary.codesIssued());
        out.println("  photos sealed at the station:    " + summary.sealed());
        out.println("  refused by the photo checks:     " + summary.refusedAtCapture() + " (wrong size)");
        out.println("  delivered, receipts verified:    " + summary.delivered() + ", " + summary.receiptsVerified());
        out.println("  refused by the registry:         " + summary.refusedByRegistry() + " (code revoked)");
        out.println("  audit of the station's log:      " + (summary.auditPassed() ? "passed" : "FAILED"));
        out.println("  the registry is stopped; everything is under " + workspace.toAbsolutePath());
        out.println(summary.asExpected() ? "quickstart: OK" : "quickstart: NOT as expected (see above)");
        return summary.asExpected() ? ExitCodes.OK : ExitCodes.INTERNAL;
    }

    /** The jar given, or the one found from the agent's own location, wherever the command runs from. */
    private Path serverJar() throws AgentFailure {
        if (serverJar != null) {
            if (!Files.isRegularFile(serverJar)) {
                throw new AgentFailure(ExitCodes.STATION, "--server-jar " + serverJar.toAbsolutePath()
                        + " does not exist or is not a file");
            }
            return serverJar;
        }
        ServerJarLocator locator = ServerJarLocator.ofRunningAgent();
        return locator.locate().orElseThrow(() -> new AgentFailure(ExitCodes.STATION, "cannot find the mock "
                + "registry jar; looked for " + locator.candidates().stream().map(Path::toString)
                        .collect(Collectors.joining(" and ")) + ". Build it with 'mvn -q -DskipTests package' in the "
                + "project root, or pass --server-jar JAR"));
    }
}
