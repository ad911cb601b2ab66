package dev.codebound.protocol.code;

import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.pki.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** TEMPORARY stand-in for the lead's class (same API); deleted when main's code package is merged. */
public final class CodeIssuer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final RegistryKeyring.KeyedCertificate codeSigning;

    public CodeIssuer(RegistryKeyring.KeyedCertificate codeSigning, X509Certificate registryEncryption) {
        this.codeSigning = codeSigning;
    }

    public IssuedCode issue(StudentIdentity s, int schoolCode, int cohort, Instant notBefore, Instant notAfter) {
        byte[] id = new byte[10];
        RANDOM.nextBytes(id);
        String codeId = org.bouncycastle.util.encoders.Base32.toBase32String(id);
        String payload = String.join("|", HexFormat.of().formatHex(codeSigning.keyId()), codeId,
                Integer.toString(schoolCode), Integer.toString(cohort), Long.toString(notBefore.getEpochSecond()),
                Long.toString(notAfter.getEpochSecond()), s.maskedName());
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new IssuedCode("CBSTUB1." + b64.encodeToString(bytes) + "."
                + b64.encodeToString(Signatures.sign(codeSigning.privateKey(), bytes)));
    }
}
