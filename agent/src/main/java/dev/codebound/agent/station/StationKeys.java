package dev.codebound.agent.station;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.Providers;
import dev.codebound.protocol.pki.Signatures;
import dev.codebound.protocol.pki.StationCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Loads the station's signing key and certificate. The key's passphrase never appears on a
 * command line (where any local user could read it from the process list): it comes from the
 * environment variable {@value #PASSPHRASE_VARIABLE}, from the systemd credential
 * {@value #PASSPHRASE_CREDENTIAL} (a unit's {@code LoadCredential=}, read from
 * {@code $CREDENTIALS_DIRECTORY}, which only the service can read), or from the file named by the
 * setting {@code key.passphrase-file} (first line; the file should be mode 0600), in that order.
 */
public final class StationKeys {
    /** Environment variable holding the key passphrase. */
    public static final String PASSPHRASE_VARIABLE = "CODEBOUND_KEY_PASSPHRASE";
    /** Name of the systemd credential holding the key passphrase (see codebound-upload.service). */
    public static final String PASSPHRASE_CREDENTIAL = "codebound-key-passphrase";
    /** The directory where systemd hands a service its credentials. */
    static final String CREDENTIALS_DIRECTORY_VARIABLE = "CREDENTIALS_DIRECTORY";

    private StationKeys() {}

    /** The passphrase, or {@code null} when none is configured (the key is then stored unencrypted). */
    public static char[] passphrase(StationConfig config, Map<String, String> environment) throws StationException {
        String fromEnvironment = environment.get(PASSPHRASE_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        String credentials = environment.get(CREDENTIALS_DIRECTORY_VARIABLE);
        if (credentials != null && !credentials.isEmpty()) {
            Path credential = Path.of(credentials, PASSPHRASE_CREDENTIAL);
            if (Files.isRegularFile(credential)) {
                return readPassphraseFile(credential, "systemd credential " + PASSPHRASE_CREDENTIAL);
            }
        }
        String file = config.string("key.passphrase-file");
        if (file.isEmpty()) {
            return null;
        }
        return readPassphraseFile(Path.of(file), "setting key.passphrase-file, from "
                + config.source("key.passphrase-file"));
    }

    /** The first line of a passphrase file; {@code origin} says where its name came from, for messages. */
    public static char[] readPassphraseFile(Path file, String origin) throws StationException {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String firstLine = content.lines().findFirst().orElse("");
            if (firstLine.isEmpty()) {
                throw new StationException("the passphrase file " + file + " (" + origin + ") is empty");
            }
            return firstLine.toCharArray();
        } catch (IOException e) {
            throw new StationException("cannot read the passphrase file " + file + " (" + origin + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The station's private key alone (before enrollment there is no certificate yet).
     *
     * @throws StationException when the key is missing, unreadable or the passphrase is wrong
     */
    public static PrivateKey privateKey(StationHome home, char[] passphrase) throws StationException {
        try {
            return PemFiles.readPrivateKey(home.privateKey(), passphrase);
        } catch (NoSuchFileException e) {
            throw new StationException("the station has no key: " + home.privateKey()
                    + " is missing; run 'codebound-agent init'");
        } catch (IOException | PkiException e) {
            throw new StationException("cannot load the station key: " + e.getMessage()
                    + (passphrase == null ? " (set " + PASSPHRASE_VARIABLE + " or key.passphrase-file)" : ""), e);
        }
    }

    /**
     * The key pair of a P-256 or SM2 private key: the public point is recomputed from the private
     * scalar, so the station home needs no separate public-key file that could drift from the key.
     */
    public static KeyPair keyPair(PrivateKey privateKey) {
        if (!(privateKey instanceof ECPrivateKey ec)) {
            throw new PkiException("the station key must be an EC key, got " + privateKey.getAlgorithm());
        }
        // The named curve, so that the public key (and the CSR and certificate made from it) names P-256 (or
        // SM2) instead of spelling out its parameters; the pair check below catches a key on another curve.
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec(
                KeyPairs.isSm2Curve(ec.getParams()) ? KeyPairs.SM2_CURVE : KeyPairs.CURVE);
        ECPoint point = new FixedPointCombMultiplier().multiply(curve.getG(), ec.getS()).normalize();
        try {
            PublicKey publicKey = KeyFactory.getInstance("EC", Providers.ellipticCurve())
                    .generatePublic(new ECPublicKeySpec(point, curve));
            Signatures.requireMatchingPair(privateKey, publicKey, "station");
            return new KeyPair(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot derive the station's public key: " + e.getMessage(), e);
        }
    }

    /**
     * The SM2 envelope-signing key of a suite 2 station alone (before enrollment there is no
     * certificate yet).
     *
     * @throws StationException when the key is missing, unreadable or the passphrase is wrong
     */
    public static PrivateKey sm2PrivateKey(StationHome home, char[] passphrase) throws StationException {
        try {
            return PemFiles.readPrivateKey(home.sm2PrivateKey(), passphrase);
        } catch (NoSuchFileException e) {
            throw new StationException("the station is set to envelope suite 2 but has no SM2 key: "
                    + home.sm2PrivateKey() + " is missing; run 'codebound-agent init --suite 2 --force'");
        } catch (IOException | PkiException e) {
            throw new StationException("cannot load the station's SM2 key: " + e.getMessage(), e);
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
