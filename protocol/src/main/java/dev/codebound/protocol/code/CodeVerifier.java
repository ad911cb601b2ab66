package dev.codebound.protocol.code;

import dev.codebound.protocol.pki.Signatures;
import dev.codebound.protocol.pki.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** TEMPORARY stand-in for the lead's class (same API); deleted when main's code package is merged. */
public final class CodeVerifier {
    private final TrustBundle bundle;

    public CodeVerifier(TrustBundle bundle) {
        this.bundle = bundle;
    }

    public VerifiedCode verify(String codeText, Instant at) throws CodeException {
        String[] parts = codeText.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals("CBSTUB1")) {
            throw new CodeException(CodeException.Reason.MALFORMED, "not a stub collection code");
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(parts[1]);
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new CodeException(CodeException.Reason.MALFORMED, "bad base64");
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (f.length != 7) {
            throw new CodeException(CodeException.Reason.MALFORMED, "wrong field count");
        }
        X509Certificate signer = bundle.codeSigningCertificate(HexFormat.of().parseHex(f[0]))
                .orElseThrow(() -> new CodeException(CodeException.Reason.UNKNOWN_KEY, "unknown key"));
        if (!Signatures.verify(signer.getPublicKey(), payload, signature)) {
            throw new CodeException(CodeException.Reason.BAD_SIGNATURE, "bad signature");
        }
        Instant notBefore = Instant.ofEpochSecond(Long.parseLong(f[4]));
        Instant notAfter = Instant.ofEpochSecond(Long.parseLong(f[5]));
        if (at.isBefore(notBefore)) {
            throw new CodeException(CodeException.Reason.NOT_YET_VALID, "code not yet valid");
        }
        if (at.isAfter(notAfter)) {
            throw new CodeException(CodeException.Reason.EXPIRED, "code expired at " + notAfter);
        }
        if (bundle.isCodeRevoked(f[1])) {
            throw new CodeException(CodeException.Reason.REVOKED, "code revoked");
        }
        return new VerifiedCode(f[1], codeText, Integer.parseInt(f[2]), Integer.parseInt(f[3]), notBefore,
                notAfter, f[6]);
    }
}
