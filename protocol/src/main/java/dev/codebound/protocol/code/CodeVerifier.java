package dev.codebound.protocol.code;

import dev.codebound.protocol.code.CodeException.Reason;
import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.PkiException;
import dev.codebound.protocol.pki.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies collection codes offline against a trust bundle, in a fixed order so each failure gets
 * its own reason: structure, version, signing key, key revocation, signature, code revocation,
 * validity window, and finally the station's school binding. A signature that verified is remembered
 * by its exact bytes and its signer's ({@link CodeSignatureCache}); every other check runs every time.
 */
public final class CodeVerifier {
    private final TrustBundle bundle;
    private final Set<Integer> allowedSchools;

    /** A verifier that accepts codes of any school. */
    public CodeVerifier(TrustBundle bundle) {
        this(bundle, Set.of());
    }

    /**
     * A verifier for a station bound to {@code allowedSchools}; an empty set means any school.
     */
    public CodeVerifier(TrustBundle bundle, Set<Integer> allowedSchools) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.allowedSchools = Set.copyOf(allowedSchools);
    }

    /**
     * Decodes and verifies a code's text as of {@code at}.
     *
     * @throws CodeException with the first failing check's reason
     */
    public VerifiedCode verify(String codeText, Instant at) throws CodeException {
        CollectionCode code = CollectionCode.decode(codeText);
        byte[] keyId = code.signingKeyId();
        String keyIdHex = HexFormat.of().formatHex(keyId);
        X509Certificate signer = bundle.codeSigningCertificate(keyId).orElseThrow(() -> new CodeException(
                Reason.UNKNOWN_KEY, "code " + code.codeId() + " is signed by key " + keyIdHex
                        + ", which is not in the trust bundle (sequence " + bundle.sequence() + ", issued "
                        + bundle.issuedAt() + "); " + unknownKeyAdvice(code)));
        if (bundle.isKeyRevoked(keyId)) {
            throw new CodeException(Reason.REVOKED, "code " + code.codeId() + " is signed by key " + keyIdHex
                    + ", which the registry has revoked");
        }
        try {
            Certificates.requireIssuedBy(signer, bundle.registryCa(), at);
        } catch (PkiException e) {
            throw new CodeException(Reason.UNKNOWN_KEY, "code " + code.codeId() + " is signed by key " + keyIdHex
                    + ", which is not trusted at " + at + ": " + e.getMessage(), e);
        }
        CompactSignature algorithm = code.suite() == CollectionCode.SUITE_SM2 ? CompactSignature.SM2_SM3
                : CompactSignature.ECDSA_P256_SHA256;
        if (!CodeSignatureCache.verifies(algorithm, signer, code.signedBytes(), code.signature())) {
            throw new CodeException(Reason.BAD_SIGNATURE, "code " + code.codeId()
                    + " does not carry a valid registry signature: it was altered or forged");
        }
        if (bundle.isCodeRevoked(code.codeId())) {
            throw new CodeException(Reason.REVOKED, "code " + code.codeId()
                    + " has been revoked by the registry; the student must download a new code");
        }
        if (at.isBefore(code.notBefore())) {
            throw new CodeException(Reason.NOT_YET_VALID, "code " + code.codeId() + " is valid from "
                    + code.notBefore() + ", not yet at " + at);
        }
        if (at.isAfter(code.notAfter())) {
            throw new CodeException(Reason.EXPIRED, "code " + code.codeId() + " expired at " + code.notAfter()
                    + "; the student must download a new code");
        }
        if (!allowedSchools.isEmpty() && !allowedSchools.contains(code.schoolCode())) {
            throw new CodeException(Reason.WRONG_SCHOOL, "code " + code.codeId() + " belongs to school "
                    + code.schoolCode() + ", but this station is bound to " + new TreeSet<>(allowedSchools));
        }
        return new VerifiedCode(code, at);
    }

    /**
     * What an operator can do about a code signed by a key the bundle lacks. The registry announces
     * a code-signing key in its trust bundle before it signs with it, so a code valid from before
     * the bundle was issued should have been signed with a key the bundle lists: such a code comes
     * from another registry (or is made up), and refreshing the bundle cannot help.
     */
    private String unknownKeyAdvice(CollectionCode code) {
        if (code.notBefore().isBefore(bundle.issuedAt())) {
            return "the code was not issued by " + bundle.registryName() + " (refreshing the trust bundle will not "
                    + "help): ask the graduate to download their code from the registry again";
        }
        return "the code is newer than the trust bundle: run 'codebound-agent trust refresh' and scan it again";
    }
}
