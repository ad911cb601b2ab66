package dev.codebound.server.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.protocol.wire.Tus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PLACEHOLDER until the registry's real acceptance (CMS envelope verification, signed receipts,
 * transparency log) is plugged in: accepts every complete upload and answers an UNSIGNED JSON note
 * with the data's SHA-256. It verifies nothing. It does check one thing a client can get wrong on
 * its own: when the metadata carries {@code envelope-sha256}, a different digest is rejected.
 */
public final class PlaceholderCompletionHandler implements CompletionHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public PlaceholderCompletionHandler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletionOutcome complete(UploadInfo upload, Path data) throws IOException {
        String sha256 = sha256(data);
        String declared = upload.metadata().get(Tus.Metadata.ENVELOPE_SHA256).orElse(null);
        if (declared != null && !declared.equalsIgnoreCase(sha256)) {
            return new CompletionOutcome.Rejected(Problem.of(422, "ENVELOPE_HASH_MISMATCH",
                    "Envelope hash mismatch", "the uploaded bytes hash to " + sha256 + ", not to the declared "
                            + Tus.Metadata.ENVELOPE_SHA256, TusService.uploadPath(upload.id())));
        }
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("placeholder", true);
        receipt.put("note", "unsigned placeholder receipt: the registry's acceptance is not plugged in");
        receipt.put("upload", upload.id().value());
        receipt.put("station", upload.stationId());
        receipt.put("length", upload.length());
        receipt.put("sha256", sha256);
        receipt.put("receivedAt", clock.instant().toString());
        return new CompletionOutcome.Accepted(JSON.writeValueAsBytes(receipt));
    }

    private static String sha256(Path data) throws IOException {
        try (InputStream in = Files.newInputStream(data)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
