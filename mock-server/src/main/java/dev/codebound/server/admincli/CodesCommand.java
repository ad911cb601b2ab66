package dev.codebound.server.admincli;

import picocli.CommandLine.Command;

/** {@code admin codes}: issue, list and revoke collection codes. */
@Command(name = "codes", mixinStandardHelpOptions = true, description = "Issue, list and revoke collection codes.",
        subcommands = {CodeIssueCommand.class, CodeBatchCommand.class, CodeListCommand.class, CodeRevokeCommand.class})
final class CodesCommand {}
