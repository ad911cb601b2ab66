package dev.codebound.agent.station;

import dev.codebound.agent.audit.ClockOutsideCertificateException;
import dev.codebound.agent.audit.TransferLog;
import dev.codebound.agent.spool.EntryState;
import dev.codebound.agent.spool.Spool;
import dev.codebound.protocol.envelope.Suite;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.HttpUrl;

/**
 * Sets a station up ({@code init}): creates the home and its settings, pins the registry CA and
 * creates the station's key (and, for suite 2, its SM2 envelope-signing key). Every input is checked before anything is written; messages name the
 * {@code init} option the value came from.
 */
public final class StationSetup {
    private StationSetup() {}

    /**
     * What to set up.
     *
     * @param registryUrl    the registry's base URL as given
     * @param registryCa     the PEM file holding the registry CA
     * @param schools        school codes, or {@code null} for any school
     * @param passphraseFile the passphrase file to store as {@code key.passphrase-file}, or {@code null}
     * @param noPassphrase   whether an unencrypted key is allowed when no passphrase is configured
     * @param force          whether an existing key may be replaced
     * @param suite          the envelope suite as given ({@code --suite}), stored as {@code envelope.suite}
     */
    public record Request(String registryUrl, Path registryCa, List<String> schools, Path passphraseFile,
            boolean noPassphrase, boolean force, String suite) {}

    /**
     * The station as set up.
     *
     * @param registryUrl  the stored {@code registry.url}
     * @param schools      the stored school list, or {@code null}/empty for any school
     * @param registryCa   the pinned CA
     * @param keyEncrypted whether the key is encrypted with a passphrase
     * @param suite        the envelope suite the station seals with
     * @param warnings     what the operator should know (a hand-over the old key could not sign)
     */
    public record Result(String registryUrl, String schools, X509Certificate registryCa, boolean keyEncrypted,
            Suite suite, List<String> warnings) {}

    /**
     * Sets up the station at {@code station}.
     *
     * @param environment variables: the passphrase and settings overrides
     * @throws StationException for invalid input, an existing key without {@code force}, or undelivered
     *                          envelopes with {@code force}
     */
    public static Result run(StationHome station, Request request, Map<String, String> environment)
            throws StationException, IOException {
        HttpUrl url = registryUrl(request.registryUrl());
        String schoolList = schoolList(request.schools());
        X509Certificate ca = registryCa(request.registryCa());
        Suite suite = StationConfig.suite(request.suite()).orElseThrow(() -> new StationException("--suite '"
                + request.suite() + "' is not an envelope suite; expected " + StationConfig.SUITE_CHOICES));
        if (Files.exists(station.privateKey()) && !request.force()) {
            throw new StationException("a station key already exists at " + station.privateKey()
                    + "; use --force to replace it (the station then has to enroll again)");
        }
        if (request.force()) {
            refuseIfUndelivered(station);
        }
        char[] passphrase = passphrase(station, request, environment);

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
        if (request.passphraseFile() != null) {
            settings.put("key.passphrase-file", request.passphraseFile().toAbsolutePath().toString());
        }
        settings.put("envelope.suite", Integer.toString(suite.id()));
        ConfigFile.set(station.config(), settings);
        StationConfig.load(station, environment);

        KeyPair key = KeyPairs.generateP256();
        List<String> warnings = new ArrayList<>();
        if (request.force()) {
            handOverCheckpoints(station, passphrase, key, warnings::add);
            // The old certificates and bundle belong to the old keys and enrollment; keeping them would mislead.
            Files.deleteIfExists(station.certificate());
            Files.deleteIfExists(station.sm2Certificate());
            Files.deleteIfExists(station.sm2PrivateKey());
            Files.deleteIfExists(station.trustBundle());
        }
        PemFiles.writePrivateKey(station.privateKey(), key.getPrivate(), passphrase);
        if (suite == Suite.SM2_SM4GCM_SM3) {
            PemFiles.writePrivateKey(station.sm2PrivateKey(), KeyPairs.generateSm2().getPrivate(), passphrase);
        }
        new StationTrust(station).pin(ca);
        try (TransferLog log = TransferLog.open(station, Clock.systemUTC())) {
            log.keyCreated(TransferLog.keyFingerprint(key.getPublic()));
        }
        return new Result(settings.get("registry.url"), schoolList, ca, passphrase != null, suite, warnings);
    }

    /**
     * Before the old key goes, it signs the hand-over to the new one (a {@code key-renewed} record and
     * a checkpoint, docs/audit.md §3.1): without it, {@code audit verify} could not tell the
     * checkpoints the old key signed from another station's. A key that cannot sign (lost passphrase,
     * expired certificate) does not stop the replacement; the operator is told what it costs.
     */
    private static void handOverCheckpoints(StationHome station, char[] passphrase, KeyPair next,
            Consumer<String> warn) throws IOException {
        if (!Files.exists(station.certificate())) {
            return;
        }
        try {
            StationCredentials current = StationKeys.load(station, passphrase);
            try (TransferLog log = TransferLog.open(station, Clock.systemUTC())) {
                log.keyRenewed(TransferLog.keyFingerprint(next.getPublic()), current);
            }
        } catch (StationException | ClockOutsideCertificateException e) {
            warn.accept("the old station key cannot sign the hand-over to the new key (" + e.getMessage()
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

    private static HttpUrl registryUrl(String registryUrl) throws StationException {
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

    private static String schoolList(List<String> schools) throws StationException {
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
    private static X509Certificate registryCa(Path registryCa) throws StationException {
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

    private static char[] passphrase(StationHome station, Request request, Map<String, String> environment)
            throws StationException {
        String fromEnvironment = environment.get(StationKeys.PASSPHRASE_VARIABLE);
        char[] passphrase;
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            passphrase = fromEnvironment.toCharArray();
        } else if (request.passphraseFile() != null) {
            passphrase = StationKeys.readPassphraseFile(request.passphraseFile(), "--passphrase-file");
        } else {
            passphrase = StationKeys.passphrase(StationConfig.load(station, environment), environment);
        }
        if (passphrase == null && !request.noPassphrase()) {
            throw new StationException("no key passphrase is configured: set " + StationKeys.PASSPHRASE_VARIABLE
                    + ", or give --passphrase-file FILE, or pass --no-passphrase to store the key unencrypted");
        }
        return passphrase;
    }
}
