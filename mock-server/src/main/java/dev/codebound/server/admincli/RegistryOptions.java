package dev.codebound.server.admincli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Which registry an admin command talks to and how it trusts it: {@code --registry URL}, the CA
 * ({@code --ca FILE} or {@code --ca-fingerprint HEX}) for https, the admin token from
 * {@code --token-file FILE} or {@code $CODEBOUND_ADMIN_TOKEN} (never an argument, which every local
 * user could read in the process list), and {@code --json}. Plain http only to a loopback address.
 *
 * <p>Mixed into {@code admin} only, every option inherited ({@link ScopeType#INHERIT}): a user may
 * write them anywhere on the line, before the subcommand ({@code admin --registry URL codes list})
 * or after it, and they land in this one object, which every subcommand reads.
 */
public final class RegistryOptions {
    /** The variable the token may come from. */
    public static final String TOKEN_VARIABLE = "CODEBOUND_ADMIN_TOKEN";

    @Option(names = "--registry", paramLabel = "URL", defaultValue = "https://127.0.0.1:8443", scope = ScopeType.INHERIT,
            description = "The registry's base URL. Default: ${DEFAULT-VALUE}. Plain http only to a loopback address.")
    URI registry;

    @Option(names = "--ca", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The registry CA's PEM file (<data-dir>/keys/registry-ca.cert.pem). Not with --ca-fingerprint.")
    Path caFile;

    @Option(names = "--ca-fingerprint", paramLabel = "SHA256", scope = ScopeType.INHERIT,
            description = "The CA's SHA-256 fingerprint, as the server prints it at start (colons optional).")
    String caFingerprint;

    @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "File holding the admin token (<data-dir>/admin-token). Default: $" + TOKEN_VARIABLE + ".")
    Path tokenFile;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT30S", scope = ScopeType.INHERIT,
            description = "How long to wait for the registry (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result, and any error, as one JSON object.")
    boolean json;

    /** The client for the registry these options name. */
    RegistryClient client(Map<String, String> environment) throws AdminFailure {
        String scheme = registry.getScheme() == null ? "" : registry.getScheme().toLowerCase(Locale.ROOT);
        if (registry.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new AdminFailure(AdminExitCodes.USAGE, "--registry must be an https (or, to a loopback address, "
                    + "http) URL such as https://127.0.0.1:8443, not '" + registry + "'");
        }
        if (caFile != null && caFingerprint != null) {
            throw new AdminFailure(AdminExitCodes.USAGE, "give the registry's CA once: --ca FILE or --ca-fingerprint, "
                    + "not both");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new AdminFailure(AdminExitCodes.USAGE, "--timeout must be longer than 0");
        }
        URI base = URI.create(scheme + "://" + registry.getRawAuthority());
        Optional<String> token = token(environment);
        if (scheme.equals("http")) {
            if (!loopback(registry.getHost())) {
                throw new AdminFailure(AdminExitCodes.USAGE, "plain http only to a loopback address (a registry in "
                        + "--plain mode); " + registry.getHost() + " is not one: use https with --ca or --ca-fingerprint");
            }
            return new RegistryClient(base, Optional.empty(), token, timeout);
        }
        if (caFile == null && caFingerprint == null) {
            throw new AdminFailure(AdminExitCodes.USAGE, "an https registry needs its CA: give --ca FILE "
                    + "(<data-dir>/keys/registry-ca.cert.pem) or --ca-fingerprint (printed by the server at start)");
        }
        if (token.isEmpty()) {
            throw new AdminFailure(AdminExitCodes.USAGE, "no admin token: give --token-file FILE (the registry's "
                    + "<data-dir>/admin-token) or set " + TOKEN_VARIABLE);
        }
        SSLContext context = CaTrust.context(caFile != null ? CaTrust.fromFile(caFile)
                : CaTrust.fromFingerprint(base, caFingerprint, timeout));
        return new RegistryClient(base, Optional.of(context), token, timeout);
    }

    private Optional<String> token(Map<String, String> environment) throws AdminFailure {
        if (tokenFile != null) {
            String text;
            try {
                text = Files.readString(tokenFile).strip();
            } catch (NoSuchFileException e) {
                throw new AdminFailure(AdminExitCodes.INPUT, "--token-file " + tokenFile + ": no such file; the "
                        + "token is in the registry's <data-dir>/admin-token", e);
            } catch (IOException e) {
                throw new AdminFailure(AdminExitCodes.INPUT, "--token-file " + tokenFile + ": cannot read it: "
                        + e.getMessage(), e);
            }
            return Optional.of(checked(text, "--token-file " + tokenFile));
        }
        String variable = environment.get(TOKEN_VARIABLE);
        return variable == null || variable.isBlank() ? Optional.empty()
                : Optional.of(checked(variable.strip(), "$" + TOKEN_VARIABLE));
    }

    /** A token fit for a header: printable ASCII on one line (its value is never echoed). */
    private static String checked(String token, String source) throws AdminFailure {
        if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new AdminFailure(AdminExitCodes.INPUT, source + " does not hold an admin token (one line of "
                    + "printable characters, as in <data-dir>/admin-token)");
        }
        return token;
    }

    private static boolean loopback(String host) {
        try {
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
