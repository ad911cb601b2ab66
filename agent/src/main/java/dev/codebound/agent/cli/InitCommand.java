package dev.codebound.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.codebound.agent.audit.ClockOutsideCertificateException;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.agent.station.ConfigFile;
import dev.codebound.agent.station.FileSystemErrors;
import dev.codebound.agent.station.StationConfig;
import dev.codebound.agent.station.StationException;
import dev.codebound.agent.station.StationHome;
import dev.codebound.agent.station.StationKeys;
import dev.codebound.agent.station.StationTrust;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import okhttp3.HttpUrl;
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
        HttpUrl url = registryUrl();
        String schoolList = schoolList();
        X509Certificate ca = registryCa();
        Suite chosen = StationConfig.suite(suite).orElseThrow(() -> new StationException("--suite '" + suite
                + "' is not an envelope suite; expected " + StationConfig.SUITE_CHOICES));
        if (Files.exists(station.privateKey()) && !force) {
            throw new StationException("a station key already exists at " + station.privateKey()
                    + "; use --force to replace it (the station then has to enroll again)");
        }
        if (force) {
            refuseIfUndelivered(station);
        }
        char[] passphrase = passphrase(station);

        try {
            Files.createDirectories(station.root(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (FileSystemException e) {
            throw new StationException("cannot create the station home at " + station.root() + ": "
                    + FileSystemErrors.reason(e), e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("registry.url", url.toString().replaceAll("/$", ""));
        if (schoolList != null) {
            settings.put("station.schools", schoolList);
        }
        if (passphraseFile != null) {
            settings.put("key.passphrase-file", passphraseFile.toAbsolutePath().toString());
        }
        settings.put("envelope.suite", Integer.toString(chosen.id()));
        ConfigFile.set(station.config(), settings);
        StationConfig.load(station, home.environment().variables());

        KeyPair key = KeyPairs.generateP256();
        if (force) {
            handOverCheckpoints(station, passphrase, key, err);
            // The old certificates and bundle belong to the old keys and enrollment; keeping them would mislead.
            Files.deleteIfExists(station.certificate());
            Files.deleteIfExists(station.sm2Certificate());
            Files.deleteIfExists(station.sm2PrivateKey());
            Files.deleteIfExists(station.trustBundle());
        }
        PemFiles.writePrivateKey(station.privateKey(), key.getPrivate(), passphrase);
        if (chosen == Suite.SM2_SM4GCM_SM3) {
            PemFiles.writePrivateKey(station.sm2PrivateKey(), KeyPairs.generateSm2().getPrivate(), passphrase);
        }
        new StationTrust(station).pin(ca);
        try (TransferLog log = TransferLog.open(station, Clock.systemUTC())) {
            log.keyCreated(TransferLog.keyFingerprint(key.getPublic()));
        }

        if (passphrase == null) {
            err.println("warning: the station key is stored UNENCRYPTED (--no-passphrase); anyone who can read "
                    + station.privateKey() + " can sign envelopes as this station");
        }
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("home", station.root().toString()).put("registryUrl", settings.get("registry.url"));
            if (schoolList == null || schoolList.isEmpty()) {
                node.putNull("schools");
            } else {
                List.of(schoolList.split(",")).forEach(node.putArray("schools")::add);
            }
            node.put("registryCa", ca.getSubjectX500Principal().getName())
                    .put("registryCaSha256", Certificates.fingerprint(ca)).put("key", station.privateKey().toString())
                    .put("keyEncrypted", passphrase != null).put("suite", chosen.id());
            if (chosen == Suite.SM2_SM4GCM_SM3) {
                node.put("sm2Key", station.sm2PrivateKey().toString());
            }
            out.println(node);
            return ExitCodes.OK;
        }
        out.println("station home:  " + station.root());
        out.println("registry:      " + settings.get("registry.url"));
        out.println("schools:       " + (schoolList == null || schoolList.isEmpty() ? "any" : schoolList));
        out.println("registry CA:   " + ca.getSubjectX500Principal().getName());
        out.println("SHA-256 fingerprint (compare it with the one the registry published):");
        out.println("  " + Certificates.displayFingerprint(ca));
        String protection = (passphrase == null ? "unencrypted" : "encrypted with the passphrase") + ", mode 0600";
        out.println("station key:   " + station.privateKey() + " (P-256, " + protection + ")");
        out.println("envelope suite: " + chosen);
        if (chosen == Suite.SM2_SM4GCM_SM3) {
            out.println("SM2 key:       " + station.sm2PrivateKey() + " (signs envelopes; " + protection + ")");
        }
        out.println("next: put the enrollment token in $" + EnrollCommand.TOKEN_VARIABLE
                + " or a file, and run 'codebound-agent enroll'");
        return ExitCodes.OK;
    }

    /**
     * Before the old key goes, it signs the hand-over to the new one (a {@code key-renewed} record and
     * a checkpoint, docs/audit.md §3.1): without it, {@code audit verify} could not tell the
     * checkpoints the old key signed from another station's. A key that cannot sign (lost passphrase,
     * expired certificate) does not stop the replacement; the operator is told what it costs.
     */
    private static void handOverCheckpoints(StationHome station, char[] passphrase, KeyPair next, PrintWriter err)
            throws IOException {
        if (!Files.exists(station.certificate())) {
            return;
        }
        try {
            StationCredentials current = StationKeys.load(station, passphrase);
            try (TransferLog log = TransferLog.open(station, Clock.systemUTC())) {
                log.keyRenewed(TransferLog.keyFingerprint(next.getPublic()), current);
            }
        } catch (StationException | ClockOutsideCertificateException e) {
            err.println("warning: the old station key cannot sign the hand-over to the new key (" + e.getMessage()
                    + "); 'audit verify' will report the checkpoints it signed as not this station's");
        }
    }

    /** Envelopes sealed and labelled by the current identity cannot be uploaded by the next one. */
    private static void refuseIfUndelivered(StationHome station) throws IOException, StationException {
        long undelivered = Spool.peek(station.spool()).stream()
                .filter(entry -> entry.state() != EntryState.DELIVERED).count();
        if (undelivered > 0) {
            throw new StationException("the spool still holds " + undelivered + " undelivered envelope(s) sealed by "
                    + "this station's key; upload them (or remove them) before replacing the key");
        }
    }

    private HttpUrl registryUrl() throws StationException {
        HttpUrl url = HttpUrl.parse(registryUrl);
        if (url == null) {
            throw new StationException("--registry-url '" + registryUrl + "' is not a URL; expected e.g. "
                    + "https://registry.example:8443");
        }
        if (!url.isHttps()) {
            throw new StationException("--registry-url must use https (the station only talks to the registry "
                    + "over TLS), got " + registryUrl);
        }
        if (!url.encodedPath().equals("/") || url.query() != null) {
            throw new StationException("--registry-url must be the registry's base URL without a path, got "
                    + registryUrl);
        }
        return url;
    }

    private String schoolList() throws StationException {
        if (schools == null) {
            return null;
        }
        StringBuilder list = new StringBuilder();
        for (String school : schools) {
            if (!school.strip().matches("[1-9][0-9]{0,8}")) {
                throw new StationException("--schools contains '" + school + "', which is not a school code such "
                        + "as 10337");
            }
            list.append(list.length() == 0 ? "" : ",").append(school.strip());
        }
        return list.toString();
    }

    /** The pinned CA must really be a CA: a leaf certificate pinned by mistake would trust nothing useful. */
    private X509Certificate registryCa() throws StationException {
        List<X509Certificate> certificates;
        try {
            certificates = PemFiles.readCertificates(registryCa);
        } catch (NoSuchFileException e) {
            throw new StationException("--registry-ca " + registryCa + " does not exist");
        } catch (IOException | PkiException e) {
            throw new StationException("--registry-ca " + registryCa + " is not a PEM certificate: "
                    + e.getMessage());
        }
        if (certificates.size() != 1) {
            throw new StationException("--registry-ca " + registryCa + " holds " + certificates.size()
                    + " certificates; expected exactly the registry CA");
        }
        X509Certificate ca = certificates.get(0);
        boolean[] usage = ca.getKeyUsage();
        if (ca.getBasicConstraints() < 0 || (usage != null && !usage[5])) {
            throw new StationException("--registry-ca " + registryCa + " holds " + ca.getSubjectX500Principal()
                    .getName() + ", which is not a CA certificate (no basicConstraints CA:TRUE with keyCertSign)");
        }
        try {
            ca.verify(ca.getPublicKey());
            Certificates.requireValidAt(ca, Instant.now());
        } catch (GeneralSecurityException e) {
            throw new StationException("--registry-ca " + registryCa + " is not a self-signed root certificate");
        } catch (PkiException e) {
            throw new StationException("--registry-ca " + registryCa + ": " + e.getMessage());
        }
        return ca;
    }

    private char[] passphrase(StationHome station) throws StationException {
        String fromEnvironment = home.environment().variable(StationKeys.PASSPHRASE_VARIABLE);
        char[] passphrase;
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            passphrase = fromEnvironment.toCharArray();
        } else if (passphraseFile != null) {
            passphrase = StationKeys.readPassphraseFile(passphraseFile, "--passphrase-file");
        } else {
            passphrase = StationKeys.passphrase(StationConfig.load(station, home.environment().variables()),
                    home.environment().variables());
        }
        if (passphrase == null && !noPassphrase) {
            throw new StationException("no key passphrase is configured: set " + StationKeys.PASSPHRASE_VARIABLE
                    + ", or give --passphrase-file FILE, or pass --no-passphrase to store the key unencrypted");
        }
        return passphrase;
    }
}
