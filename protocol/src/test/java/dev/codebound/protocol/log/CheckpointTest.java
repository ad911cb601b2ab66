package dev.codebound.protocol.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.pki.KeyPairs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CheckpointTest {
    private static final String ORIGIN = "registry.codebound.dev/log";
    private static final byte[] ROOT_8 =
            HexFormat.of().parseHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    private static final String TEXT_8 = ORIGIN + "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";

    private static KeyPair logKeys;
    private static NoteSigner signer;
    private static NoteSigner witness;

    @BeforeAll
    static void keys() {
        logKeys = KeyPairs.generateP256();
        signer = new NoteSigner(ORIGIN, logKeys.getPrivate(), logKeys.getPublic());
        KeyPair witnessKeys = KeyPairs.generateP256();
        witness = new NoteSigner("witness.example/w1", witnessKeys.getPrivate(), witnessKeys.getPublic());
    }

    @Test
    void aSignedCheckpointRoundTrips() throws Exception {
        Checkpoint checkpoint = new Checkpoint(ORIGIN, 8, ROOT_8);
        assertEquals(TEXT_8, checkpoint.text());
        String note = checkpoint.sign(signer);
        assertTrue(note.matches("(?s)" + Pattern.quote(TEXT_8 + "\n\u2014 " + ORIGIN + " ")
                + "[A-Za-z0-9+/]+=*\n"), note);
        assertEquals(checkpoint, Checkpoint.verify(note, signer.verifier(), ORIGIN));
        assertEquals(checkpoint, Checkpoint.verify(note, NoteVerifier.fromVerifierKey(signer.verifier().verifierKey()),
                ORIGIN));
    }

    @Test
    void theKeyIdIsSha256OfTheSpkiAndTheSignatureIsDerEcdsaOverTheText() throws Exception {
        String note = new Checkpoint(ORIGIN, 8, ROOT_8).sign(signer);
        String line = note.substring(note.lastIndexOf('\n', note.length() - 2) + 1, note.length() - 1);
        byte[] blob = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        byte[] spkiHash = MessageDigest.getInstance("SHA-256").digest(logKeys.getPublic().getEncoded());
        assertArrayEquals(Arrays.copyOf(spkiHash, 4), Arrays.copyOf(blob, 4));
        assertEquals(ByteBuffer.wrap(spkiHash).getInt(), signer.verifier().keyId());
        assertEquals(0x30, blob[4], "a DER SEQUENCE");
        // The JDK's own provider, independent of the Bouncy Castle code that signed.
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdk.initVerify(logKeys.getPublic());
        jdk.update(TEXT_8.getBytes(StandardCharsets.UTF_8));
        assertTrue(jdk.verify(Arrays.copyOfRange(blob, 4, blob.length)));
    }

    @Test
    void verifierKeysAreCheckedWhenRead() throws Exception {
        String key = signer.verifier().verifierKey();
        assertTrue(key.matches(Pattern.quote(ORIGIN) + "\\+[0-9a-f]{8}\\+AjBZ[A-Za-z0-9+/=]+"), key);
        String[] parts = key.split("\\+", 3);
        String otherId = String.format("%08x", signer.verifier().keyId() ^ 1);
        assertRejected("does not match its key", () -> NoteVerifier.fromVerifierKey(parts[0] + "+" + otherId + "+"
                + parts[2]));
        byte[] typed = Base64.getDecoder().decode(parts[2]);
        typed[0] = 0x01;
        assertRejected("signature type 0x02", () -> NoteVerifier.fromVerifierKey(parts[0] + "+" + parts[1] + "+"
                + Base64.getEncoder().encodeToString(typed)));
        assertRejected("<name>+<key ID>+<key>", () -> NoteVerifier.fromVerifierKey(ORIGIN));
    }

    @Test
    void changingAnyLineOrTheSignatureIsRejected() {
        String note = new Checkpoint(ORIGIN, 8, ROOT_8, List.of("ext")).sign(signer);
        NoteVerifier trusted = signer.verifier();
        String[] changed = {
            note.replace(ORIGIN + "\n", "registry.codebound.dev/lag\n"),
            note.replace("\n8\n", "\n9\n"),
            note.replace("XcnaeacG", "XcnaeacH"),
            note.replace("ext\n", "ext2\n"),
            note.replace("ext\n", "ext\nmore\n"),
            note.replace("ext\n", ""),
        };
        for (String tampered : changed) {
            assertRejected("does not verify", () -> Checkpoint.verify(tampered, trusted, ORIGIN));
        }
        SignedNote parsed = parse(note);
        NoteSignature original = parsed.signatures().get(0);
        byte[] flipped = original.signature();
        flipped[flipped.length / 2] ^= 0x01;
        String badSignature = new SignedNote(parsed.text(),
                List.of(new NoteSignature(ORIGIN, original.keyId(), flipped))).format();
        assertRejected("does not verify", () -> Checkpoint.verify(badSignature, trusted, ORIGIN));
        String otherKeyId = new SignedNote(parsed.text(),
                List.of(new NoteSignature(ORIGIN, original.keyId() + 1, original.signature()))).format();
        assertRejected("no signature by trusted key", () -> Checkpoint.verify(otherKeyId, trusted, ORIGIN));
        String otherName = new SignedNote(parsed.text(),
                List.of(new NoteSignature("someone.else/log", original.keyId(), original.signature()))).format();
        assertRejected("no signature by trusted key", () -> Checkpoint.verify(otherName, trusted, ORIGIN));
    }

    @Test
    void malformedCheckpointsAreRejected() {
        NoteVerifier trusted = signer.verifier();
        String good = new Checkpoint(ORIGIN, 8, ROOT_8).sign(signer);
        String root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
        Object[][] cases = {
            {good.substring(0, good.length() - 1), "does not end with a newline"},
            {good + "\n", "no signature lines after its last blank line"},
            {TEXT_8, "no blank line"},
            {good.replace("\u2014 ", "-- "), "does not start with an em dash"},
            {good.replace("\u2014 " + ORIGIN, "\u2014 a+b"), "invalid key name"},
            {good.replace(ORIGIN + "\n", ORIGIN + "\r\n"), "control character U+000D"},
            {TEXT_8 + "\n\u2014 " + ORIGIN + " AAAA\n", "needs a 4-byte key ID"},
            {TEXT_8 + "\n\u2014 " + ORIGIN + " AAAA!AAA\n", "not standard base64"},
            {TEXT_8 + "\n\u2014 " + ORIGIN + " AAAAAAA\n", "not canonical standard base64"},
            {TEXT_8 + "\n\u2014 " + ORIGIN + " AAAAAAB=\n", "not canonical standard base64"},
            {TEXT_8 + "\n" + good.substring(TEXT_8.length()), "does not verify"},
            {signer.signNote(ORIGIN + "\n08\n" + root + "\n"), "not a decimal number"},
            {signer.signNote(ORIGIN + "\n+8\n" + root + "\n"), "not a decimal number"},
            {signer.signNote(ORIGIN + "\n-1\n" + root + "\n"), "not a decimal number"},
            {signer.signNote(ORIGIN + "\n8 \n" + root + "\n"), "not a decimal number"},
            {signer.signNote(ORIGIN + "\n0x8\n" + root + "\n"), "not a decimal number"},
            {signer.signNote(ORIGIN + "\n99999999999999999999\n" + root + "\n"), "too large"},
            {signer.signNote(ORIGIN + "\n8\n" + "not base64!\n"), "not standard base64"},
            {signer.signNote(ORIGIN + "\n8\n" + root.replace("=", "") + "\n"), "not canonical"},
            {signer.signNote(ORIGIN + "\n8\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n"),
                "31 bytes, not 32"},
            {signer.signNote(ORIGIN + "\n8\n"), "needs origin, tree size and root hash"},
            {signer.signNote(TEXT_8 + "\n"), "line 4 is empty"},
            {signer.signNote("\n" + TEXT_8), "line 1 is empty"},
        };
        for (Object[] c : cases) {
            assertRejected((String) c[1], () -> Checkpoint.verify((String) c[0], trusted, ORIGIN));
        }
        assertRejected("expected 'other.example/log'", () -> Checkpoint.verify(good, trusted, "other.example/log"));
        assertRejected("not valid UTF-8", () -> SignedNote.parse(new byte[] {'a', '\n', '\n', (byte) 0xC3, '\n'}));
    }

    @Test
    void unknownSignaturesAreIgnoredButATrustedOneIsRequired() throws Exception {
        Checkpoint checkpoint = new Checkpoint(ORIGIN, 8, ROOT_8);
        String text = checkpoint.text();
        NoteSignature bySigner = signer.sign(text);
        NoteSignature byWitness = witness.sign(text);
        KeyPair impostorKeys = KeyPairs.generateP256();
        NoteSignature sameNameOtherKey = new NoteSigner(ORIGIN, impostorKeys.getPrivate(), impostorKeys.getPublic())
                .sign(text);
        NoteVerifier trusted = signer.verifier();

        for (List<NoteSignature> signatures : List.of(List.of(byWitness, bySigner), List.of(bySigner, byWitness),
                List.of(sameNameOtherKey, byWitness, bySigner))) {
            assertEquals(checkpoint, Checkpoint.verify(new SignedNote(text, signatures).format(), trusted, ORIGIN));
        }
        assertEquals(checkpoint, Checkpoint.verify(new SignedNote(text, List.of(bySigner, byWitness)).format(),
                witness.verifier(), ORIGIN));
        assertRejected("signed only by unknown keys", () -> Checkpoint.verify(
                new SignedNote(text, List.of(byWitness, sameNameOtherKey)).format(), trusted, ORIGIN));
        NoteSignature forged = new NoteSignature(ORIGIN, trusted.keyId(), byWitness.signature());
        assertRejected("does not verify", () -> Checkpoint.verify(
                new SignedNote(text, List.of(bySigner, forged)).format(), trusted, ORIGIN));
    }

    @Test
    void theSignedNoteSpecExampleParses() throws Exception {
        // The Ed25519 example of c2sp.org/signed-note: its text holds a blank line of its own.
        String text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n";
        String note = text + "\n\u2014 quasimodo.example/salvatore "
                + "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
        SignedNote parsed = SignedNote.parse(note.getBytes(StandardCharsets.UTF_8));
        assertEquals(text, parsed.text());
        NoteSignature signature = parsed.signatures().get(0);
        assertEquals("quasimodo.example/salvatore", signature.keyName());
        assertEquals(0x367ba04b, signature.keyId());
        assertEquals(64, signature.signature().length);
        assertEquals(note, parsed.format());
        assertRejected("no signature by trusted key", () -> parsed.verifiedText(signer.verifier()));
    }

    @Test
    void emptyTreesAndExtensionLinesRoundTrip() throws Exception {
        Checkpoint empty = new Checkpoint(ORIGIN, 0, MerkleHashes.emptyRoot());
        assertEquals(ORIGIN + "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", empty.text());
        assertEquals(empty, Checkpoint.verify(empty.sign(signer), signer.verifier(), ORIGIN));
        Checkpoint extended = new Checkpoint(ORIGIN, 8, ROOT_8, List.of("policy v1", "\u00e9t\u00e9"));
        assertEquals(extended, Checkpoint.verify(extended.sign(signer), signer.verifier(), ORIGIN));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(ORIGIN, 8, ROOT_8, List.of("")));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint("a\nb", 8, ROOT_8));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(ORIGIN, -1, ROOT_8));
    }

    @Test
    void aTreeCheckpointVerifiesWithItsProofs() throws Exception {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 21; i++) {
            tree.append(LogEntryTest.sample(i).leafHash());
        }
        long size = tree.size();
        String note = new Checkpoint(ORIGIN, size, tree.rootHash(size)).sign(signer);

        // What an auditor holds: the note, the verifier key, one entry and its proof.
        Checkpoint checkpoint = Checkpoint.verify(note, NoteVerifier.fromVerifierKey(
                signer.verifier().verifierKey()), ORIGIN);
        tree.inclusionProof(13, checkpoint.size()).verify(LogEntryTest.sample(13).leafHash(), checkpoint.rootHash());
    }

    private static SignedNote parse(String note) {
        try {
            return SignedNote.parse(note);
        } catch (CheckpointException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRejected(String part, Executable call) {
        CheckpointException e = assertThrows(CheckpointException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
}
