package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.List;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * The choice of engine for P-256, and the compact signatures of both engines held to one form: what
 * one signs the other verifies, and both refuse the same malformed signatures. This machine loads
 * BoringSSL; the tests say so rather than skip, since the comparison is their point.
 */
class ProvidersAndSignaturesTest {
    private static final byte[] MESSAGE = "receipt 1 of format 1".getBytes(StandardCharsets.UTF_8);
    private static final Provider JAVA = Providers.choose("java").provider();
    private static final Provider NATIVE = Providers.choose("native").provider();

    @Test
    void bothEnginesCanBeHadHereAndAnUnknownOneIsRefusedWithTheChoices() {
        assertTrue(Conscrypt.isAvailable(), "BoringSSL should load on Linux x86_64");
        assertSame(Providers.ellipticCurve(), JAVA);
        assertEquals("Conscrypt", NATIVE.getName());
        assertSame(JAVA, Providers.choose(" Java ").provider(), "the value is trimmed and case-blind");
        Providers.Choice unknown = Providers.choose("fast");
        assertNull(unknown.provider());
        assertEquals("-Dcodebound.crypto=fast is not an engine for P-256; use auto, native or java", unknown.refusal());
    }

    @Test
    void keysOnOtherCurvesGoToBouncyCastleWhateverTheEngine() {
        assertSame(Providers.ellipticCurve(), Providers.forCurveOf(KeyPairs.generateSm2().getPublic()));
        assertSame(Providers.p256(), Providers.forCurveOf(KeyPairs.generateP256().getPrivate()));
        assertSame(Providers.p256(), Providers.forCurveOf(KeyPairs.generateP256ForAgreement().getPublic()));
    }

    @Test
    void eachEngineVerifiesTheOthersSignaturesAndNotAlteredOnes() {
        KeyPair keys = KeyPairs.generateP256();
        for (Provider signer : List.of(JAVA, NATIVE)) {
            byte[] signature = Signatures.sign(signer, keys.getPrivate(), MESSAGE);
            assertEquals(Signatures.P1363_LENGTH, signature.length);
            for (Provider verifier : List.of(JAVA, NATIVE)) {
                String pair = signer.getName() + " -> " + verifier.getName();
                assertTrue(Signatures.verify(verifier, keys.getPublic(), MESSAGE, signature), pair);
                byte[] altered = signature.clone();
                altered[40] ^= 1;
                assertFalse(Signatures.verify(verifier, keys.getPublic(), MESSAGE, altered), pair + ", altered");
                assertFalse(Signatures.verify(verifier, keys.getPublic(), "another".getBytes(StandardCharsets.UTF_8),
                        signature), pair + ", another message");
                assertFalse(Signatures.verify(verifier, KeyPairs.generateP256().getPublic(), MESSAGE, signature),
                        pair + ", another key");
            }
        }
    }

    @Test
    void signaturesWithAnIntegerOutOfRangeOrOfTheWrongLengthVerifyWithNeitherEngine() {
        KeyPair keys = KeyPairs.generateP256();
        byte[] signature = Signatures.sign(keys.getPrivate(), MESSAGE);
        byte[] order = unsigned32(((ECPublicKey) keys.getPublic()).getParams().getOrder());
        // s = n is s = 0 modulo n: a decoder that reduced it would judge a signature no signer can make.
        byte[] sIsTheOrder = signature.clone();
        System.arraycopy(order, 0, sIsTheOrder, 32, 32);
        byte[] rIsTheOrder = signature.clone();
        System.arraycopy(order, 0, rIsTheOrder, 0, 32);
        for (Provider verifier : List.of(JAVA, NATIVE)) {
            String name = verifier.getName();
            assertFalse(Signatures.verify(verifier, keys.getPublic(), MESSAGE, sIsTheOrder), name + ", s = n");
            assertFalse(Signatures.verify(verifier, keys.getPublic(), MESSAGE, rIsTheOrder), name + ", r = n");
            assertFalse(Signatures.verify(verifier, keys.getPublic(), MESSAGE, new byte[64]), name + ", zero");
            assertFalse(Signatures.verify(verifier, keys.getPublic(), MESSAGE, Arrays.copyOf(signature, 63)), name + ", short");
            assertFalse(Signatures.verify(verifier, keys.getPublic(), MESSAGE, null), name + ", none");
            assertFalse(Signatures.verify(verifier, KeyPairs.generateSm2().getPublic(), MESSAGE, signature),
                    name + ", a key on another curve");
        }
    }

    @Test
    void aKeyPairsMismatchIsFound() {
        KeyPair keys = KeyPairs.generateP256();
        Signatures.requireMatchingPair(keys.getPrivate(), keys.getPublic(), "test");
        PkiException e = assertThrows(PkiException.class,
                () -> Signatures.requireMatchingPair(keys.getPrivate(), KeyPairs.generateP256().getPublic(), "test"));
        assertEquals("the test private key does not match its certificate's public key", e.getMessage());
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length);
    }
}
