package dev.codebound.agent.station;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.PemFiles;
import java.nio.file.Path;
import java.security.KeyPair;
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
}
