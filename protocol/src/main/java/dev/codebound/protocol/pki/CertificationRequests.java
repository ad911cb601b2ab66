package dev.codebound.protocol.pki;

import java.security.KeyPair;
import java.security.PublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** PKCS#10 certification requests: stations build them at enrollment, the registry checks them. */
public final class CertificationRequests {
    private CertificationRequests() {}

    /**
     * Builds a request for {@code keyPair}, signed by its own private key (proof of possession): with
     * ECDSA P-256/SHA-256 for a P-256 key, with SM2/SM3 ({@code sm2sign-with-sm3}, GM/T 0009's
     * default signer ID) for an SM2 key.
     */
    public static PKCS10CertificationRequest create(KeyPair keyPair, String requestedName) {
        KeyPairs.requireP256OrSm2(keyPair.getPublic(), "station");
        String algorithm = KeyPairs.isSm2(keyPair.getPublic()) ? "SM3withSM2" : "SHA256withECDSA";
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + escape(requestedName)),
                    keyPair.getPublic())
                    .build(new JcaContentSignerBuilder(algorithm)
                            .setProvider(Providers.ellipticCurve()).build(keyPair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new PkiException("cannot sign certification request: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the request's self-signature and that its key is P-256, and returns the requested public
     * key.
     */
    public static PublicKey verifiedPublicKey(PKCS10CertificationRequest request) {
        return verifiedPublicKey(request, CompactSignature.ECDSA_P256_SHA256);
    }

    /**
     * Checks the request's self-signature and that its key is on the curve of {@code keyAlgorithm}
     * (P-256 for ECDSA, SM2 for SM2), and returns the requested public key.
     */
    public static PublicKey verifiedPublicKey(PKCS10CertificationRequest request, CompactSignature keyAlgorithm) {
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request)
                    .setProvider(Providers.ellipticCurve());
            PublicKey key = jca.getPublicKey();
            keyAlgorithm.requireKey(key, "certification request");
            boolean valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .setProvider(Providers.ellipticCurve()).build(key));
            if (!valid) {
                throw new PkiException("certification request signature does not verify: the requester "
                        + "did not prove possession of the private key");
            }
            return key;
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException e) {
            throw new PkiException("certification request is unreadable: " + e.getMessage(), e);
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            // Bouncy Castle decodes the key and the signature lazily and throws unchecked on malformed ones.
            throw new PkiException("certification request is malformed: " + e.getMessage(), e);
        }
    }

    private static String escape(String value) {
        return value.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
    }
}
