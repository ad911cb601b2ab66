package dev.codebound.protocol.log;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the log's origin, tree size and root
 * hash, optionally followed by extension lines, as the text of a signed note:
 *
 * <pre>
 * registry.codebound.dev/log
 * 8
 * XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=
 *
 * — registry.codebound.dev/log &lt;base64(key ID || DER ECDSA signature)&gt;
 * </pre>
 *
 * @param origin     the log's identity, by convention a schema-less URL; its signing key name matches it
 * @param size       the number of leaves
 * @param rootHash   the RFC 9162 root hash of those leaves, 32 bytes
 * @param extensions opaque, non-empty extension lines (not recommended by the spec; normally none)
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
    private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]*");

    /**
     * @throws IllegalArgumentException if a line is empty or holds a control character, the size is
     *                                  negative or the root hash is not 32 bytes
     */
    public Checkpoint {
        requireLine(origin, "origin");
        if (size < 0) {
            throw new IllegalArgumentException("tree size must not be negative, got " + size);
        }
        if (rootHash.length != MerkleHashes.HASH_LENGTH) {
            throw new IllegalArgumentException("root hash must be 32 bytes, got " + rootHash.length);
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        extensions.forEach(line -> requireLine(line, "extension line"));
    }

    /** A checkpoint without extension lines. */
    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    /** The root hash (a copy). */
    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The note text: origin, size and base64 root hash lines, then extension lines, each ending in a newline. */
    public String text() {
        StringBuilder text = new StringBuilder()
                .append(origin).append('\n')
                .append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        extensions.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    /** Signs this checkpoint and returns the signed note. */
    public String sign(NoteSigner signer) {
        return signer.signNote(text());
    }

    /**
     * Parses a signed checkpoint, verifies it against the trusted key (see {@link
     * SignedNote#verifiedText}) and checks that it comes from {@code expectedOrigin}.
     */
    public static Checkpoint verify(String signedNote, NoteVerifier trusted, String expectedOrigin)
            throws CheckpointException {
        Checkpoint checkpoint = parseText(SignedNote.parse(signedNote).verifiedText(trusted));
        if (!checkpoint.origin.equals(expectedOrigin)) {
            throw new CheckpointException("checkpoint is for origin '" + checkpoint.origin + "', expected '"
                    + expectedOrigin + "'");
        }
        return checkpoint;
    }

    /**
     * Parses checkpoint text strictly: at least three non-empty lines, each ending in a newline; a
     * decimal size without leading zeros; a canonical standard base64 root hash of 32 bytes. Parsing
     * alone proves nothing: use {@link #verify} on anything received.
     */
    public static Checkpoint parseText(String text) throws CheckpointException {
        if (!text.endsWith("\n")) {
            throw new CheckpointException("checkpoint text does not end with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new CheckpointException("checkpoint has " + lines.length + " lines; it needs origin, tree size "
                    + "and root hash");
        }
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                throw new CheckpointException("checkpoint line " + (i + 1) + " is empty");
            }
        }
        if (!SIZE.matcher(lines[1]).matches()) {
            throw new CheckpointException("checkpoint tree size '" + lines[1] + "' is not a decimal number without "
                    + "leading zeros");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new CheckpointException("checkpoint tree size " + lines[1] + " is too large");
        }
        byte[] root = SignedNote.strictBase64(lines[2], "checkpoint root hash");
        if (root.length != MerkleHashes.HASH_LENGTH) {
            throw new CheckpointException("checkpoint root hash is " + root.length + " bytes, not 32");
        }
        try {
            return new Checkpoint(lines[0], size, root, new ArrayList<>(Arrays.asList(lines).subList(3, lines.length)));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + e.getMessage());
        }
    }

    private static void requireLine(String line, String what) {
        Objects.requireNonNull(line, what);
        if (line.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (line.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException(what + " must not contain newlines or control characters");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint that && origin.equals(that.origin) && size == that.size
                && MessageDigest.isEqual(rootHash, that.rootHash) && extensions.equals(that.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(rootHash), extensions);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", size=" + size + ", root=" + Base64.getEncoder().encodeToString(rootHash)
                + ", extensions=" + extensions + "]";
    }
}
