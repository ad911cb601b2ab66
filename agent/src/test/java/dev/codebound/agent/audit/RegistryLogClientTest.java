package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.codebound.protocol.log.ConsistencyProof;
import org.junit.jupiter.api.Test;

/** How the agent reads the registry's consistency-proof answer ({@code RegistryLogFuzzTest} fuzzes it). */
class RegistryLogClientTest {
    @Test
    void anAnswerThatIsNotJsonIsTheRegistrysWrongAnswerNotAnUnreachableRegistry() {
        RegistryLogClient.RegistryAnswerException refusal = assertThrows(RegistryLogClient.RegistryAnswerException.class,
                () -> RegistryLogClient.parseConsistency("<html>502 Bad Gateway</html>", 3, 5));
        assertEquals("the consistency proof from 3 to 5 is not JSON", refusal.getMessage().replaceAll(" \\(.*", ""));
    }

    @Test
    void aHashThatIsNotAStringIsRefusedNotReadAsAnEmptyHash() {
        for (String hash : new String[] {"1", "{}", "null", "[]"}) {
            RegistryLogClient.RegistryAnswerException refusal = assertThrows(
                    RegistryLogClient.RegistryAnswerException.class, () -> RegistryLogClient.parseConsistency(
                            "{\"oldSize\":3,\"newSize\":5,\"hashes\":[" + hash + "]}", 3, 5), hash);
            assertEquals("the consistency proof holds a hash that is not a base64 string", refusal.getMessage());
        }
    }

    @Test
    void aProofForOtherSizesIsRefused() {
        assertThrows(RegistryLogClient.RegistryAnswerException.class,
                () -> RegistryLogClient.parseConsistency("{\"oldSize\":2,\"newSize\":5,\"hashes\":[]}", 3, 5));
    }

    @Test
    void aWellFormedAnswerIsReadAsTheProofAskedFor() throws Exception {
        ConsistencyProof proof = RegistryLogClient.parseConsistency(
                "{\"oldSize\":3,\"newSize\":5,\"hashes\":[\"Hp1h1y9wZse5/nPnE5hI4whk3snTUdVj8kAWCpQWC4g=\"]}", 3, 5);
        assertEquals(3, proof.oldSize());
        assertEquals(5, proof.newSize());
        assertEquals(32, proof.hashes().get(0).length);
    }
}
