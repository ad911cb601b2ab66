package dev.codebound.agent.cli;

import dev.codebound.agent.quickstart.Quickstart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the whole story end to end on embedded defaults. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Start a mock registry, enroll a station, issue codes as QR images, capture and seal sample "
                + "photos (one refused), upload them, verify the receipts, audit the station, and stop the registry.",
            "Exit codes: 0 the story ran as described, 1 it did not (the transcript says where)."})
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "codebound-demo",
            description = "Workspace; cleared first if an earlier quickstart made it (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--server-jar", paramLabel = "JAR", defaultValue = "mock-server/target/codebound-mock-server.jar",
            description = "The mock registry's jar (default: ${DEFAULT-VALUE}, as built by 'mvn package').")
    Path serverJar;

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
        Quickstart.Summary summary = new Quickstart(workspace, serverJar, out, environment.interactive()).run();
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
}
