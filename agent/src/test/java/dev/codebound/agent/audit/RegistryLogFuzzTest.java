package dev.codebound.agent.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.codebound.protocol.log.ConsistencyProof;
import dev.codebound.protocol.log.ProofException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Fuzz test for the agent's reading of the registry's consistency-proof answer
 * ({@code RegistryLogClient.parseConsistency}), which {@code audit --registry} fetches from a
 * registry it does not trust until the proof verifies (docs/security-fuzzing.md). The checkpoints
 * it fetches are verified by {@code Checkpoint.verify}, fuzzed in the protocol module
 * ({@code LogFuzzTest#checkpointVerify}). Seeds: the worked example of docs/spec-log.md (the
 * proof from its tree of 3 to its tree of 5) and malformed answers.
 */
class RegistryLogFuzzTest {
    /** The example's root of its tree of 3 leaves (docs/spec-log.md, {@code root3.b64}). */
    private static final byte[] ROOT_3 = Base64.getDecoder().decode("6PxwTKRjkioBGL1zatoZzX4nUVWiTybXWhV0dnBpx+o=");
    /** The example's root of its tree of 5 leaves, from its signed checkpoint ({@code note.txt}). */
    private static final byte[] ROOT_5 = Base64.getDecoder().decode("nnLg79et97Ob7mEjyG2RPi8OP8wP3pvRTV2w2RPRKpw=");
    /** The example's consistency proof from 3 to 5 ({@code consistency.json}). */
    private static final List<String> EXAMPLE_HASHES = List.of("Hp1h1y9wZse5/nPnE5hI4whk3snTUdVj8kAWCpQWC4g=",
            "l5lfBWEuXNyk0E+ID+w9jIkdj+76DM9aNG3y/KZoVoU=", "KZN2XmQkTcgmneAiY8Y0Er0gphjYarV7T/hC68EcQLk=",
            "GGzL+2zCXBPM6UjbOfgEBCvQ05FBrXTm29RJ3LpKDGs=");

    /**
     * The answer to "prove 3 → 5": only RegistryAnswerException escapes parsing and ProofException
     * verification; a parsed proof has the sizes asked for, and one that verifies the example's roots
     * has the example's hashes.
     */
    @FuzzTest(maxDuration = "60s")
    void consistencyProof(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        ConsistencyProof proof;
        try {
            proof = RegistryLogClient.parseConsistency(body, 3, 5);
        } catch (RegistryLogClient.RegistryAnswerException e) {
            return;
        }
        assertEquals(3, proof.oldSize());
        assertEquals(5, proof.newSize());
        try {
            proof.verify(ROOT_3, ROOT_5);
        } catch (ProofException e) {
            return;
        }
        List<byte[]> hashes = proof.hashes();
        assertEquals(EXAMPLE_HASHES.size(), hashes.size());
        for (int i = 0; i < hashes.size(); i++) {
            assertArrayEquals(Base64.getDecoder().decode(EXAMPLE_HASHES.get(i)), hashes.get(i));
        }
    }
}
