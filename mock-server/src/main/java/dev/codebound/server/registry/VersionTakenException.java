package dev.codebound.server.registry;

import java.io.IOException;

/**
 * A shared archive refused a record because another node gave the same version of the code to
 * another envelope meanwhile. Nothing was recorded; the sequencer asks for the next version and
 * signs the receipt again.
 */
public final class VersionTakenException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param codeId the code, @param version the version taken */
    public VersionTakenException(String codeId, int version) {
        super("version " + version + " of code " + codeId + " was taken by another node");
    }
}
