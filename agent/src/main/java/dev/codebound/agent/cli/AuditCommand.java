package dev.codebound.agent.cli;

import picocli.CommandLine.Command;

/** {@code audit}: the security team's tools over a station's transfer log and receipts. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Verify, export and show the station's tamper-evident transfer log; append a signed "
                + "checkpoint. verify, export and show need no private key and work on a copy of a station home.",
            "See docs/audit.md."},
        subcommands = {AuditVerifyCommand.class, AuditExportCommand.class, AuditShowCommand.class,
            AuditCheckpointCommand.class})
final class AuditCommand {
}
