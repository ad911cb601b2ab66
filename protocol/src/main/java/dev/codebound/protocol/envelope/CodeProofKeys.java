package dev.codebound.protocol.envelope;

import java.io.IOException;
import java.util.Optional;

/**
 * Where an {@link EnvelopeOpener} finds the code keys it checks format 2 code proofs with: the
 * registry's records of the codes it issued. A holder of only the trust bundle has none, and so
 * cannot check a format 2 envelope's code (docs/protocol.md §4, "Code in the envelope").
 */
@FunctionalInterface
public interface CodeProofKeys {
    /** An opener's default: it holds no code key, and refuses every format 2 envelope. */
    CodeProofKeys NONE = (codeId, suite) -> Optional.empty();

    /**
     * The code key of code {@code codeId} for envelopes of {@code suite}, with the code's validity.
     *
     * @return empty when no key is known for this code id (a code the holder never issued, or whose
     *         record predates code keys and holds none)
     * @throws IOException if the records cannot be read: never taken for "no key"
     */
    Optional<CodeProofKey> find(String codeId, Suite suite) throws IOException;
}
