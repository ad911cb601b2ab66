package dev.codebound.agent.cli;

import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code codebound-agent --version} prints: the agent's version, the engine that runs its
 * cryptography on this machine (BoringSSL, or Bouncy Castle and the JDK where BoringSSL cannot be
 * loaded, which costs CPU but changes no byte), and the Java runtime.
 */
final class AgentVersion implements IVersionProvider {
    private static final String VERSION = "codebound-agent 0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {
            VERSION,
            "cryptography: " + engine() + " (-D" + Providers.ENGINE_PROPERTY + "="
                    + System.getProperty(Providers.ENGINE_PROPERTY, "auto") + ")",
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** The engine, or why the one asked for cannot be had: the version is what an operator checks first. */
    private static String engine() {
        try {
            return Providers.describeEngine();
        } catch (PkiException e) {
            return "none: " + e.getMessage();
        }
    }
}
