package dev.codebound.protocol.log;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP signed note (https://c2sp.org/signed-note): a text ending in a newline, a blank line, and
 * one or more signature lines. Parsing is strict: valid UTF-8, no control characters but newline,
 * a final newline, at least one signature line, well-formed lines, canonical standard base64.
 *
 * @param text       the signed text, including its final newline; signatures cover its UTF-8 bytes
 * @param signatures the signature lines, in order
 */
public record SignedNote(String text, List<NoteSignature> signatures) {
    /** Verifiers must accept at least 16 signatures; more than this is refused as abuse. */
    public static final int MAX_SIGNATURES = 100;
    /** Notes larger than this are refused before parsing. */
    public static final int MAX_NOTE_CHARS = 1 << 20;

    /** Requires a newline-terminated text and at least one signature. */
    public SignedNote {
        Objects.requireNonNull(text, "text");
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end with a newline");
        }
        signatures = List.copyOf(signatures);
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("a signed note needs at least one signature");
        }
    }

    /** The note as it travels: text, blank line, signature lines. */
    public String format() {
        StringBuilder note = new StringBuilder(text).append('\n');
        signatures.forEach(signature -> note.append(signature.line()));
        return note.toString();
    }

    /** The bytes the signatures cover: the text's UTF-8 encoding. */
    public byte[] signedBytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Verifies the note against one trusted key and returns its text. As the spec requires,
     * signatures from other keys (another name, or the same name with another key ID) are
     * ignored; a signature from the trusted key that fails to verify rejects the whole note; and
     * at least one signature from the trusted key must verify.
     */
    public String verifiedText(NoteVerifier trusted) throws CheckpointException {
        byte[] message = signedBytes();
        boolean verified = false;
        List<String> others = new ArrayList<>();
        for (NoteSignature signature : signatures) {
            if (signature.keyName().equals(trusted.keyName()) && signature.keyId() == trusted.keyId()) {
                if (!trusted.verify(message, signature.signature())) {
                    throw new CheckpointException("the signature by trusted key " + trusted.keyName() + " (key ID "
                            + String.format("%08x", trusted.keyId()) + ") does not verify");
                }
                verified = true;
            } else {
                others.add(signature.keyName() + "/" + String.format("%08x", signature.keyId()));
            }
        }
        if (!verified) {
            throw new CheckpointException("no signature by trusted key " + trusted.keyName() + "/"
                    + String.format("%08x", trusted.keyId()) + "; signed only by unknown keys " + others);
        }
        return text;
    }

    /** Parses a note received as bytes, which must be valid UTF-8. */
    public static SignedNote parse(byte[] note) throws CheckpointException {
        if (note.length > 4 * MAX_NOTE_CHARS) {
            throw new CheckpointException("note is larger than " + MAX_NOTE_CHARS + " characters");
        }
        try {
            return parse(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(note)).toString());
        } catch (CharacterCodingException e) {
            throw new CheckpointException("note is not valid UTF-8");
        }
    }

    /** Parses a note strictly; see the class comment for what is refused. */
    public static SignedNote parse(String note) throws CheckpointException {
        if (note.length() > MAX_NOTE_CHARS) {
            throw new CheckpointException("note is larger than " + MAX_NOTE_CHARS + " characters");
        }
        requireWellFormed(note);
        if (!note.endsWith("\n")) {
            throw new CheckpointException("note does not end with a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new CheckpointException("note has no blank line between its text and its signatures");
        }
        String text = note.substring(0, split + 1);
        String block = note.substring(split + 2);
        if (block.isEmpty()) {
            throw new CheckpointException("note has no signature lines after its last blank line");
        }
        String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
        if (lines.length > MAX_SIGNATURES) {
            throw new CheckpointException("note has " + lines.length + " signatures, more than " + MAX_SIGNATURES);
        }
        List<NoteSignature> signatures = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            signatures.add(parseSignatureLine(lines[i], i + 1));
        }
        return new SignedNote(text, signatures);
    }

    private static NoteSignature parseSignatureLine(String line, int number) throws CheckpointException {
        String where = "signature line " + number;
        if (!line.startsWith(NoteSignature.LINE_PREFIX)) {
            throw new CheckpointException(where + " does not start with an em dash (U+2014) and a space");
        }
        String rest = line.substring(NoteSignature.LINE_PREFIX.length());
        int space = rest.indexOf(' ');
        if (space < 0) {
            throw new CheckpointException(where + " lacks the space between key name and signature");
        }
        String keyName = rest.substring(0, space);
        if (!isValidKeyName(keyName)) {
            throw new CheckpointException(where + " has an invalid key name '" + keyName + "'");
        }
        byte[] blob = strictBase64(rest.substring(space + 1), where);
        if (blob.length < 5) {
            throw new CheckpointException(where + " is " + blob.length + " bytes; it needs a 4-byte key ID and a "
                    + "signature");
        }
        int keyId = ByteBuffer.wrap(blob).getInt();
        byte[] signature = new byte[blob.length - 4];
        System.arraycopy(blob, 4, signature, 0, signature.length);
        return new NoteSignature(keyName, keyId, signature);
    }

    /** Decodes standard base64 and insists the input is its canonical encoding (padding, no spare bits). */
    static byte[] strictBase64(String encoded, String what) throws CheckpointException {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(what + " is not standard base64");
        }
        if (!Base64.getEncoder().encodeToString(decoded).equals(encoded)) {
            throw new CheckpointException(what + " is not canonical standard base64 (with padding)");
        }
        return decoded;
    }

    /** Fails unless the note is well-formed Unicode without control characters other than newline. */
    private static void requireWellFormed(String note) throws CheckpointException {
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new CheckpointException("note contains control character U+" + String.format("%04X", (int) c)
                        + " at offset " + i);
            }
        }
        try {
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(note));
        } catch (CharacterCodingException e) {
            throw new CheckpointException("note contains an unpaired surrogate and is not valid Unicode");
        }
    }

    static boolean isValidKeyName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return name.codePoints().noneMatch(c -> c == '+' || c < 0x20 || Character.isWhitespace(c)
                || Character.isSpaceChar(c));
    }

    static void requireKeyName(String name) {
        if (!isValidKeyName(name)) {
            throw new IllegalArgumentException("key name '" + name + "' must be non-empty, without spaces, "
                    + "control characters or '+'");
        }
    }
}
