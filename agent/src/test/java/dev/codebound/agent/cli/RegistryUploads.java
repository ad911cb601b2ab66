package dev.codebound.agent.cli;

import dev.codebound.protocol.wire.Tus;
import dev.codebound.registry.junit.CodeboundRegistry;
import dev.codebound.server.upload.UploadInfo;
import java.io.IOException;
import java.util.List;

/** What the registry under test holds of one envelope, as its tus store records it. */
final class RegistryUploads {
    private RegistryUploads() {
    }

    /** The registry's uploads, complete or not, of the envelope with SHA-256 {@code sha256}. */
    static List<UploadInfo> of(CodeboundRegistry registry, String sha256) throws IOException {
        return registry.uploads().stream()
                .filter(upload -> upload.metadata().get(Tus.Metadata.ENVELOPE_SHA256).orElse("").equals(sha256))
                .toList();
    }

    /** The registry's complete uploads of the envelope with SHA-256 {@code sha256}. */
    static List<UploadInfo> completeOf(CodeboundRegistry registry, String sha256) throws IOException {
        return of(registry, sha256).stream().filter(upload -> upload.offset() == upload.length()).toList();
    }
}
