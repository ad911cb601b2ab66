package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.agent.station.StationSetup;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.Certificates;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code init}: creates the station home, its settings, its key, and pins the registry CA. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Set up a station: create the station home and config.properties, pin the registry CA "
                + "(print its SHA-256 fingerprint: compare it with the one the registry published), and create "
                + "the station's P-256 key (and, with --suite 2, its SM2 envelope-signing key), encrypted with the "
                + "passphrase from $" + StationKeys.PASSPHRASE_VARIABLE + " or the passphrase file.",
            "Exit codes: 0 done, 2 bad usage, 3 bad input or a key already exists (see --force)."})
final class InitCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Option(names = "--registry-url", required = true, paramLabel = "URL",
            description = "The registry's base URL, https only, e.g. https://registry.example:8443.")
    String registryUrl;

    @Option(names = "--registry-ca", required = true, paramLabel = "FILE",
            description = "PEM file with the registry CA certificate, obtained out of band.")
    Path registryCa;

    @Option(names = "--schools", paramLabel = "CODES", split = ",",
            description = "School codes this station photographs, comma-separated (default: any school).")
    List<String> schools;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "File whose first line is the key passphrase; stored as key.passphrase-file "
                    + "(default: the passphrase comes from $" + StationKeys.PASSPHRASE_VARIABLE + ").")
    Path passphraseFile;

    @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "1",
            description = "Envelope suite to seal with, stored as envelope.suite: 1 (CB-P256-AES256GCM-SHA256) or 2 "
                    + "(CB-SM2-SM4GCM-SM3: SM2 signatures, SM4-GCM, SM3; an SM2 envelope-signing key is created "
                    + "beside the P-256 key, which stays the TLS identity). Default: ${DEFAULT-VALUE}.")
    String suite;

    @Option(names = "--no-passphrase",
            description = "Store the key unencrypted when no passphrase is configured (not recommended).")
    boolean noPassphrase;

    @Option(names = "--force", description = "Replace an existing station key (refused while the spool holds "
            + "undelivered envelopes); the station must enroll again.")
    boolean force;

    @Option(names = "--json", description = "Print the result as one JSON object (a warning stays on standard "
            + "error).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StationHome station = home.home();
        StationSetup.Result result = StationSetup.run(station, new StationSetup.Request(registryUrl, registryCa,
                schools, passphraseFile, noPassphrase, force, suite), home.environment().variables());
        result.warnings().forEach(warning -> err.println("warning: " + warning));
        if (!result.keyEncrypted()) {
            err.println("warning: the station key is stored UNENCRYPTED (--no-passphrase); anyone who can read "
                    + station.privateKey() + " can sign envelopes as this station");
        }
        String schoolList = result.schools();
        X509Certificate ca = result.registryCa();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("home", station.root().toString()).put("registryUrl", result.registryUrl());
            if (schoolList == null || schoolList.isEmpty()) {
                node.putNull("schools");
            } else {
                List.of(schoolList.split(",")).forEach(node.putArray("schools")::add);
            }
            node.put("registryCa", ca.getSubjectX500Principal().getName())
                    .put("registryCaSha256", Certificates.fingerprint(ca)).put("key", station.privateKey().toString())
                    .put("keyEncrypted", result.keyEncrypted()).put("suite", result.suite().id());
            if (result.suite() == Suite.SM2_SM4GCM_SM3) {
                node.put("sm2Key", station.sm2PrivateKey().toString());
            }
            out.println(node);
            return ExitCodes.OK;
        }
        out.println("station home:  " + station.root());
        out.println("registry:      " + result.registryUrl());
        out.println("schools:       " + (schoolList == null || schoolList.isEmpty() ? "any" : schoolList));
        out.println("registry CA:   " + ca.getSubjectX500Principal().getName());
        out.println("SHA-256 fingerprint (compare it with the one the registry published):");
        out.println("  " + Certificates.displayFingerprint(ca));
        String protection = (result.keyEncrypted() ? "encrypted with the passphrase" : "unencrypted") + ", mode 0600";
        out.println("station key:   " + station.privateKey() + " (P-256, " + protection + ")");
        out.println("envelope suite: " + result.suite());
        if (result.suite() == Suite.SM2_SM4GCM_SM3) {
            out.println("SM2 key:       " + station.sm2PrivateKey() + " (signs envelopes; " + protection + ")");
        }
        out.println("next: put the enrollment token in $" + EnrollCommand.TOKEN_VARIABLE
                + " or a file, and run 'codebound-agent enroll'");
        return ExitCodes.OK;
    }
}
