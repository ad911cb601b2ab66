package dev.codebound.agent.cli;

import dev.codebound.agent.audit.AuditReport;
import dev.codebound.agent.audit.LogVerifier;
import dev.codebound.agent.audit.RegistryLogClient;
import dev.codebound.agent.retention.OverdueAudit;
import dev.codebound.agent.retention.RetentionPolicy;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit verify}: checks the transfer log, the stored receipts and, optionally, the registry's log. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the transfer log's hash chain and checkpoint signatures, every stored receipt "
                + "(signature and transparency-log inclusion) and that delivered records and receipts match; with "
                + "--registry or --registry-checkpoint, also that the registry's log is consistent with the receipts' "
                + "checkpoints; and that the retention policy is followed: no deletion before what allows it, nothing "
                + "past its deadline now. Names the first bad record by seq and line.",
            "Exit codes: 0 all checks passed, 9 a check failed, 3 station files missing, 6 registry unreachable."})
final class AuditVerifyCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Registry base URL (http:// or https://; HTTPS trusts only the pinned registry CA): fetch its "
                    + "latest checkpoint and a consistency proof for every receipt checkpoint. Default: none.")
    URI registry;

    @Option(names = "--registry-checkpoint", paramLabel = "FILE",
            description = "A registry checkpoint note saved earlier. Alone: used as the latest checkpoint (offline, "
                    + "smaller receipt checkpoints are reported as not checked). With --registry: checked against "
                    + "the live log too. Default: none.")
    Path registryCheckpoint;

    @Option(names = "--expect-checkpoint", paramLabel = "FILE",
            description = "A station checkpoint kept by the auditor (the line printed by 'audit checkpoint --out', or "
                    + "an older copy of the whole log): the log must still hold it. Detects truncation after the "
                    + "last checkpoint. Default: none.")
    Path expectCheckpoint;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AuditReport report;
        try {
            report = LogVerifier.verify(home.home(), new LogVerifier.Options(registry, registryCheckpoint,
                    expectCheckpoint));
        } catch (RegistryLogClient.RegistryUnreachableException e) {
            throw new AgentFailure(ExitCodes.UNREACHABLE, e.getMessage(), e);
        }
        OverdueAudit.check(home.home(), RetentionPolicy.from(home.context().config()), Instant.now(), report);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
        out.flush();
        return report.ok() ? ExitCodes.OK : ExitCodes.AUDIT_FAILED;
    }
}
