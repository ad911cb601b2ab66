package dev.codebound.agent.audit;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.Signatures;
import dev.codebound.protocol.pki.StationCredentials;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The station's signed statement "my transfer log's first {@code size} records end with the line
 * whose SHA-256 is {@code head}". The signature is ECDSA P-256 with SHA-256 over the UTF-8 bytes of
 *
 * <pre>
 * codebound-transfer-log-checkpoint/1\n
 * &lt;certFingerprint&gt;\n
 * &lt;size&gt;\n
 * &lt;head&gt;\n
 * &lt;time&gt;\n
 * </pre>
 *
 * in IEEE P1363 form (r || s, 64 bytes), base64 in the record. The certificate fingerprint binds
 * the statement to one station certificate; the time is the checkpoint record's {@code time}.
 * Anyone holding the station certificate can check it, with no key of the station's.
 */
final class StationCheckpoint {
    static final String HEADER = "codebound-transfer-log-checkpoint/1";

    private StationCheckpoint() {}

    /** The bytes the signature covers. */
    static byte[] message(String certFingerprint, long size, String head, String time) {
        return (HEADER + "\n" + certFingerprint + "\n" + size + "\n" + head + "\n" + time + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The checkpoint record's fields for the log's first {@code size} records ending in {@code head}. */
    static Map<String, Object> sign(StationCredentials station, long size, String head, Instant time) {
        String fingerprint = Certificates.fingerprint(station.certificate());
        byte[] signature = Signatures.sign(station.privateKey(),
                message(fingerprint, size, head, TransferRecord.formatTime(time)));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Field.SIZE.jsonName(), size);
        fields.put(Field.HEAD.jsonName(), head);
        fields.put(Field.CERT_FINGERPRINT.jsonName(), fingerprint);
        fields.put(Field.SIGNATURE.jsonName(), Base64.getEncoder().encodeToString(signature));
        return fields;
    }

    /** Whether a checkpoint record's signature verifies with {@code stationKey}. */
    static boolean verify(TransferRecord checkpoint, PublicKey stationKey) {
        byte[] message = message(checkpoint.text(Field.CERT_FINGERPRINT).orElseThrow(), checkpoint.number(Field.SIZE),
                checkpoint.text(Field.HEAD).orElseThrow(), checkpoint.timeText());
        byte[] signature = Base64.getDecoder().decode(checkpoint.text(Field.SIGNATURE).orElseThrow());
        return Signatures.verify(stationKey, message, signature);
    }
}
