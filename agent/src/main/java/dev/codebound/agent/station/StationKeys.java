package dev.codebound.agent.station;

import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * Loads the station's signing key and certificate. The key's passphrase never appears on a
 * command line (where any local user could read it from the process list): it comes from the
 * environment variable {@value #PASSPHRASE_VARIABLE} or from the file named by the setting
 * {@code key.passphrase-file} (first line; the file should be mode 0600).
 */
public final class StationKeys {
    /** Environment variable holding the key passphrase. */
    public static final String PASSPHRASE_VARIABLE = "CODEBOUND_KEY_PASSPHRASE";

    private StationKeys() {}

    /** The passphrase, or {@code null} when none is configured (the key is then stored unencrypted). */
    public static char[] passphrase(StationConfig config, Map<String, String> environment) throws StationException {
        String fromEnvironment = environment.get(PASSPHRASE_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        String file = config.string("key.passphrase-file");
        if (file.isEmpty()) {
            return null;
        }
        try {
            String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            String firstLine = content.lines().findFirst().orElse("");
            if (firstLine.isEmpty()) {
                throw new StationException("the passphrase file " + file + " is empty");
            }
            return firstLine.toCharArray();
        } catch (IOException e) {
            throw new StationException("cannot read the passphrase file " + file + " (setting key.passphrase-file, from "
                    + config.source("key.passphrase-file") + "): " + e.getMessage(), e);
        }
    }

    /** The station's credentials. */
    public static StationCredentials load(StationHome home, char[] passphrase) throws StationException {
        try {
            PrivateKey key = PemFiles.readPrivateKey(home.privateKey(), passphrase);
            X509Certificate certificate = PemFiles.readCertificates(home.certificate()).get(0);
            return new StationCredentials(key, certificate);
        } catch (NoSuchFileException e) {
            throw new StationException("the station is not enrolled: " + e.getFile()
                    + " is missing; run 'codebound-agent init' and 'codebound-agent enroll'");
        } catch (IOException | PkiException e) {
            throw new StationException("cannot load the station key: " + e.getMessage()
                    + (passphrase == null ? " (set " + PASSPHRASE_VARIABLE + " or key.passphrase-file if the key "
                            + "is encrypted)" : ""), e);
        }
    }
}
