package dev.codebound.agent.cli;

import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs the chosen command only when the cryptographic engine an operator asked for with
 * {@code -Dcodebound.crypto} can be had: a misspelt value, or {@code native} where BoringSSL does not
 * load, is refused before the command does anything (exit 3), instead of at its first signature,
 * perhaps halfway through an upload. Without the property (the default, {@code auto}) nothing is
 * checked, since that choice cannot fail and a command that signs nothing need not load the native
 * library. Help and {@code --version} still run: the version line names the refusal.
 */
final class CryptoEngineGuard implements CommandLine.IExecutionStrategy {
    private final CommandLine.IExecutionStrategy next;

    CryptoEngineGuard(CommandLine.IExecutionStrategy next) {
        this.next = next;
    }

    @Override
    public int execute(ParseResult parseResult) {
        if (System.getProperty(Providers.ENGINE_PROPERTY) != null && !ParsedLine.helpRequested(parseResult)) {
            try {
                Providers.p256();
            } catch (PkiException e) {
                throw new CommandLine.ExecutionException(ParsedLine.leaf(parseResult).commandSpec().commandLine(),
                        e.getMessage(), e);
            }
        }
        return next.execute(parseResult);
    }
}
