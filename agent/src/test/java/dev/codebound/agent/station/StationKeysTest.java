package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StationKeysTest {
    @TempDir
    Path dir;

    @Test
    void thePublicKeyIsRecomputedFromThePrivateKey() throws Exception {
        KeyPair generated = KeyPairs.generateP256();
        StationHome home = new StationHome(dir);
        PemFiles.writePrivateKey(home.privateKey(), generated.getPrivate(), null);
        KeyPair derived = StationKeys.keyPair(StationKeys.privateKey(home, null));
        assertArrayEquals(generated.getPublic().getEncoded(), derived.getPublic().getEncoded(),
                "same point, same named-curve encoding");
    }

    @Test
    void aMissingKeySaysToRunInit() {
        StationException missing = assertThrows(StationException.class,
                () -> StationKeys.privateKey(new StationHome(dir), null));
        assertTrue(missing.getMessage().contains("run 'codebound-agent init'"), missing.getMessage());
    }

    @Test
    void thePassphraseComesFromTheEnvironmentThenTheSystemdCredentialThenTheConfiguredFile() throws Exception {
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Files.writeString(credentials.resolve(StationKeys.PASSPHRASE_CREDENTIAL), "from-credential\n");
        Files.writeString(dir.resolve("passphrase.txt"), "from-file\n");
        ConfigFile.set(dir.resolve("config.properties"), Map.of("key.passphrase-file",
                dir.resolve("passphrase.txt").toString()));
        StationConfig config = StationConfig.load(new StationHome(dir), Map.of());

        assertArrayEquals("from-variable".toCharArray(), StationKeys.passphrase(config, Map.of(
                StationKeys.PASSPHRASE_VARIABLE, "from-variable",
                StationKeys.CREDENTIALS_DIRECTORY_VARIABLE, credentials.toString())));
        assertArrayEquals("from-credential".toCharArray(), StationKeys.passphrase(config, Map.of(
                StationKeys.CREDENTIALS_DIRECTORY_VARIABLE, credentials.toString())));
        assertArrayEquals("from-file".toCharArray(), StationKeys.passphrase(config, Map.of(
                StationKeys.CREDENTIALS_DIRECTORY_VARIABLE, dir.resolve("no-such-directory").toString())));
    }

    @Test
    void noPassphraseAnywhereMeansAnUnencryptedKey() throws Exception {
        assertNull(StationKeys.passphrase(StationConfig.load(new StationHome(dir), Map.of()), Map.of()));
    }
}
