package dev.codebound.protocol.code;

import dev.codebound.protocol.pki.CompactSignature;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring.KeyedCertificate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The registry side of collection codes: issues a signed code for a student, with the student's
 * identity sealed to the registry's encryption key. The keys choose the suite: P-256 keys issue
 * suite 1 codes, SM2 keys (an SM2 code-signing key and the SM2 encryption key) suite 2 codes.
 */
public final class CodeIssuer {
    /** Schools are identified by national school codes such as 10337. */
    public static final int MAX_SCHOOL_CODE = 99_999_999;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MAX_UINT40 = (1L << 40) - 1;

    private final KeyedCertificate codeSigning;
    private final X509Certificate registryEncryption;
    private final int suite;

    /**
     * @param codeSigning        the registry's code-signing key and certificate (P-256 or SM2)
     * @param registryEncryption the certificate whose key identities are sealed to, on the same curve
     * @throws dev.codebound.protocol.pki.PkiException when the two keys are not of one suite
     */
    public CodeIssuer(KeyedCertificate codeSigning, X509Certificate registryEncryption) {
        this.codeSigning = Objects.requireNonNull(codeSigning, "codeSigning");
        this.registryEncryption = Objects.requireNonNull(registryEncryption, "registryEncryption");
        boolean sm2 = KeyPairs.isSm2(codeSigning.certificate().getPublicKey());
        this.suite = sm2 ? CollectionCode.SUITE_SM2 : CollectionCode.SUITE_P256;
        if (sm2) {
            KeyPairs.requireSm2(registryEncryption.getPublicKey(), "suite 2 code registry encryption");
        } else {
            KeyPairs.requireP256(codeSigning.certificate().getPublicKey(), "code-signing");
            KeyPairs.requireP256(registryEncryption.getPublicKey(), "registry encryption");
        }
    }

    /**
     * Issues a code valid from {@code notBefore} to {@code notAfter}, both truncated to the whole
     * second: the code can only say seconds, and the issued code must describe exactly what was signed,
     * or a record of it would start later than the code does and refuse a photo taken within the
     * same second.
     *
     * @throws IllegalArgumentException for a school code, cohort or validity window out of range
     */
    public IssuedCode issue(StudentIdentity student, int schoolCode, int cohort, Instant requestedNotBefore,
            Instant requestedNotAfter) {
        Objects.requireNonNull(student, "student");
        Instant notBefore = requestedNotBefore.truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = requestedNotAfter.truncatedTo(ChronoUnit.SECONDS);
        if (schoolCode <= 0 || schoolCode > MAX_SCHOOL_CODE) {
            throw new IllegalArgumentException("school code must be between 1 and " + MAX_SCHOOL_CODE);
        }
        if (cohort < 1900 || cohort > 9999) {
            throw new IllegalArgumentException("cohort must be a year between 1900 and 9999, got " + cohort);
        }
        if (!notAfter.isAfter(notBefore) || notBefore.getEpochSecond() < 0 || notAfter.getEpochSecond() > MAX_UINT40) {
            throw new IllegalArgumentException("validity must be a non-empty window after 1970: " + notBefore
                    + " .. " + notAfter);
        }
        byte[] masked = student.maskedName().getBytes(StandardCharsets.UTF_8);
        if (masked.length > CollectionCode.MAX_MASKED_NAME_BYTES) {
            throw new IllegalArgumentException("the masked name is longer than "
                    + CollectionCode.MAX_MASKED_NAME_BYTES + " bytes");
        }
        byte[] codeId = new byte[CollectionCode.CODE_ID_LENGTH];
        RANDOM.nextBytes(codeId);
        byte[] encryptionKeyId = KeyPairs.keyId(registryEncryption.getPublicKey());
        byte[] identity = identityPlaintext(student);
        int sealedLength = identity.length + IdentitySeal.TAG_LENGTH;
        IdentitySeal.Ephemeral ephemeral = suite == CollectionCode.SUITE_P256 ? IdentitySeal.newEphemeral() : null;
        Sm2IdentitySeal.OneTimeKey oneTimeKey = suite == CollectionCode.SUITE_SM2
                ? Sm2IdentitySeal.newKey(registryEncryption.getPublicKey()) : null;

        byte[] header = new CollectionCode.Writer()
                .uint8(CollectionCode.VERSION)
                .uint8(suite)
                .bytes(codeSigning.keyId())
                .bytes(codeId)
                .uint32(schoolCode)
                .uint16(cohort)
                .uint40(notBefore.getEpochSecond())
                .uint40(notAfter.getEpochSecond())
                .uint8(masked.length)
                .bytes(masked)
                .bytes(encryptionKeyId)
                .bytes(ephemeral != null ? ephemeral.compressedPublicKey() : oneTimeKey.sealedKey())
                .uint16(sealedLength)
                .toByteArray();
        byte[] sealed = ephemeral != null
                ? IdentitySeal.seal(ephemeral, registryEncryption.getPublicKey(), encryptionKeyId, identity, header)
                : Sm2IdentitySeal.seal(oneTimeKey, identity, header);
        byte[] signed = CollectionCode.concat(header, sealed);
        CompactSignature algorithm = suite == CollectionCode.SUITE_SM2 ? CompactSignature.SM2_SM3
                : CompactSignature.ECDSA_P256_SHA256;
        byte[] signature = algorithm.sign(codeSigning.privateKey(),
                CollectionCode.concat(CollectionCode.SIGNATURE_DOMAIN, signed));
        String text = CodeText.encode(CollectionCode.VERSION, CollectionCode.concat(signed, signature));
        return new IssuedCode(CollectionCode.codeIdText(codeId), text, schoolCode, cohort, notBefore, notAfter);
    }

    /** Identity plaintext: three fields, each a 1-byte length and UTF-8 bytes. */
    static byte[] identityPlaintext(StudentIdentity student) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        for (String field : new String[] {student.studentNumber(), student.name(), student.idNumber()}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
