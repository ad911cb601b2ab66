package dev.codebound.protocol.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz tests for what auditors and stations read from the registry's transparency log: checkpoint
 * text, signed notes, signed checkpoints, inclusion and consistency proofs as JSON, log entries and
 * verifier keys (docs/security-fuzzing.md). Seeds: the worked example of docs/spec-log.md
 * ({@code log/example/}).
 */
class LogFuzzTest {
    private static final String ORIGIN = "registry.codebound.dev/log";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NoteVerifier verifier;
    private static Checkpoint checkpoint;
    private static byte[] entryLeafHash;
    private static InclusionProof inclusion;
    private static ConsistencyProof consistency;
    private static byte[] root3;

    @BeforeAll
    static void load() throws Exception {
        verifier = NoteVerifier.fromVerifierKey(read("vkey.txt").strip());
        checkpoint = Checkpoint.verify(read("note.txt"), verifier, ORIGIN);
        entryLeafHash = LogEntry.decode(HexFormat.of().parseHex(read("entry.hex").strip())).leafHash();
        inclusion = JSON.readValue(read("proof.json"), InclusionProof.class);
        consistency = JSON.readValue(read("consistency.json"), ConsistencyProof.class);
        root3 = Base64.getDecoder().decode(read("root3.b64").strip());
    }

    /** Checkpoint text: only CheckpointException escapes; what parses prints back to the same text. */
    @FuzzTest(maxDuration = "60s")
    void checkpointText(byte[] input) throws CheckpointException {
        String text = new String(input, StandardCharsets.UTF_8);
        Checkpoint parsed;
        try {
            parsed = Checkpoint.parseText(text);
        } catch (CheckpointException e) {
            return;
        }
        assertEquals(text, parsed.text());
        assertEquals(parsed, Checkpoint.parseText(parsed.text()));
        assertTrue(parsed.size() >= 0);
    }

    /** Signed notes: only CheckpointException escapes; what parses formats back to the same bytes. */
    @FuzzTest(maxDuration = "60s")
    void signedNote(byte[] input) throws CheckpointException {
        SignedNote note;
        try {
            note = SignedNote.parse(input);
        } catch (CheckpointException e) {
            return;
        }
        assertArrayEquals(input, note.format().getBytes(StandardCharsets.UTF_8));
        assertEquals(note, SignedNote.parse(note.format()));
        try {
            note.verifiedText(verifier);
        } catch (CheckpointException e) {
            // documented refusal
        }
    }

    /**
     * Signed checkpoints: only CheckpointException escapes, and whatever verifies under the example
     * key is the example checkpoint (the fuzzer does not hold the log key).
     */
    @FuzzTest(maxDuration = "60s")
    void checkpointVerify(byte[] input) {
        Checkpoint verified;
        try {
            verified = Checkpoint.verify(new String(input, StandardCharsets.UTF_8), verifier, ORIGIN);
        } catch (CheckpointException e) {
            return;
        }
        assertEquals(checkpoint, verified, "a checkpoint the log never signed verified");
    }

    /**
     * Inclusion proof JSON as an auditor reads it: only IOException (from JSON binding) and
     * ProofException escape; a proof that verifies the example entry against the example root has
     * the example's audit path.
     */
    @FuzzTest(maxDuration = "60s")
    void inclusionProofJson(byte[] json) {
        InclusionProof proof;
        try {
            proof = JSON.readValue(json, InclusionProof.class);
            if (proof == null || proof.hashes() == null) { // JSON null, or no "hashes" member
                return;
            }
            proof.verify(entryLeafHash, checkpoint.rootHash());
        } catch (IOException | ProofException e) {
            return;
        }
        assertHashesEqual(inclusion.hashes(), proof.hashes());
        assertEquals(inclusion.leafIndex(), proof.leafIndex());
    }

    /**
     * Consistency proof JSON: only IOException and ProofException escape; a proof that verifies the
     * example's tree of 3 against its tree of 5 has the example's hashes.
     */
    @FuzzTest(maxDuration = "60s")
    void consistencyProofJson(byte[] json) {
        ConsistencyProof proof;
        try {
            proof = JSON.readValue(json, ConsistencyProof.class);
            if (proof == null || proof.hashes() == null) { // JSON null, or no "hashes" member
                return;
            }
            proof.verify(root3, checkpoint.rootHash());
        } catch (IOException | ProofException e) {
            return;
        }
        assertHashesEqual(consistency.hashes(), proof.hashes());
    }

    /** Log entries: only IllegalArgumentException (documented) escapes; what decodes re-encodes to the same bytes. */
    @FuzzTest(maxDuration = "60s")
    void logEntry(byte[] encoded) {
        LogEntry entry;
        try {
            entry = LogEntry.decode(encoded);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertArrayEquals(encoded, entry.encode());
    }

    /** Verifier keys (name+id+key): only CheckpointException escapes; what parses prints back the same. */
    @FuzzTest(maxDuration = "60s")
    void verifierKey(byte[] input) throws CheckpointException {
        String text = new String(input, StandardCharsets.UTF_8);
        NoteVerifier parsed;
        try {
            parsed = NoteVerifier.fromVerifierKey(text);
        } catch (CheckpointException e) {
            return;
        }
        assertEquals(parsed.verifierKey(), NoteVerifier.fromVerifierKey(parsed.verifierKey()).verifierKey());
    }

    private static void assertHashesEqual(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "a different audit path verified");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "a different audit path verified");
        }
    }

    private static String read(String name) throws IOException {
        try (InputStream in = LogFuzzTest.class.getResourceAsStream("example/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
