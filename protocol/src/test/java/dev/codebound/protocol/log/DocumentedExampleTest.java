package dev.codebound.protocol.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked example of docs/spec-log.md, kept as files so the document cannot drift from the code. */
class DocumentedExampleTest {
    private static final String ORIGIN = "registry.codebound.dev/log";

    @Test
    void theWorkedExampleVerifies() throws Exception {
        NoteVerifier verifier = NoteVerifier.fromVerifierKey(read("vkey.txt").strip());
        Checkpoint checkpoint = Checkpoint.verify(read("note.txt"), verifier, ORIGIN);
        assertEquals(5, checkpoint.size());

        LogEntry entry = LogEntry.decode(HexFormat.of().parseHex(read("entry.hex").strip()));
        assertEquals("C7Q2-0002", entry.codeId());
        assertEquals("station-0042", entry.stationId());
        assertEquals(Instant.parse("2026-06-30T09:17:00.123Z"), entry.acceptedAt());

        ObjectMapper json = new ObjectMapper();
        InclusionProof inclusion = json.readValue(read("proof.json"), InclusionProof.class);
        inclusion.verify(entry.leafHash(), checkpoint.rootHash());
        ConsistencyProof consistency = json.readValue(read("consistency.json"), ConsistencyProof.class);
        consistency.verify(Base64.getDecoder().decode(read("root3.b64").strip()), checkpoint.rootHash());

        assertThrows(ProofException.class, () -> inclusion.verify(entry.leafHash(), new byte[32]));
    }

    private static String read(String name) throws IOException {
        try (InputStream in = DocumentedExampleTest.class.getResourceAsStream("example/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
