package dev.codebound.bench.micro;

import dev.codebound.bench.JitWarmup;
import dev.codebound.bench.Photos;
import dev.codebound.protocol.pki.Providers;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The raw ceilings, with the providers the format uses (see {@code Providers}): AES-256-GCM and
 * SHA-256 from {@code Providers.bulkCipher()} and {@code bulkDigest()} fed in 64 KiB chunks, P-256
 * ECDSA, ECDH and key generation from {@code Providers.p256()}: BoringSSL where it loads, else the
 * JDK and Bouncy Castle ({@code -Dcodebound.crypto=java} measures those). One thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PrimitiveBench {
    static final int CHUNK = 64 * 1024;

    @Param({"46080", "8388608"})
    public int size;

    private byte[] data;
    private byte[] out;
    private SecretKeySpec key;
    private long nonceCounter;

    @Setup
    public void setUp() {
        JitWarmup.bulkCrypto();
        data = Photos.photo(size, 7);
        out = new byte[size + 16];
        key = new SecretKeySpec(Photos.photo(32, 9), "AES");
    }

    /** AES-256-GCM encryption of {@code size} bytes, fresh nonce, 64 KiB updates, tag included. */
    @Benchmark
    public int aesGcm() throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.bulkCipher());
        byte[] nonce = ByteBuffer.allocate(12).putLong(4, ++nonceCounter).array();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        int written = 0;
        for (int offset = 0; offset < data.length; offset += CHUNK) {
            written += cipher.update(data, offset, Math.min(CHUNK, data.length - offset), out, written);
        }
        return written + cipher.doFinal(out, written);
    }

    /**
     * AES-256-GCM as Bouncy Castle's CMS generators drive it: their CipherOutputStream calls
     * {@code update(byte[], int, int)}, which returns a fresh array per 64 KiB and, in JDK 17, runs
     * CTR and GHASH separately instead of the combined AVX-512 GCM intrinsic. Not part of the
     * ceiling: it shows what the envelope's code path costs over the ideal one.
     */
    @Benchmark
    public int aesGcmArrays() throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.bulkCipher());
        byte[] nonce = ByteBuffer.allocate(12).putLong(4, ++nonceCounter).array();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        int written = 0;
        for (int offset = 0; offset < data.length; offset += CHUNK) {
            written += cipher.update(data, offset, Math.min(CHUNK, data.length - offset)).length;
        }
        return written + cipher.doFinal().length;
    }

    /** SHA-256 of {@code size} bytes in 64 KiB updates. */
    @Benchmark
    public byte[] sha256() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256", Providers.bulkDigest());
        for (int offset = 0; offset < data.length; offset += CHUNK) {
            digest.update(data, offset, Math.min(CHUNK, data.length - offset));
        }
        return digest.digest();
    }

    /** The public-key operations; their cost does not depend on the photo size. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public static class PublicKeyOps {
        private KeyPair station;
        private KeyPair registry;
        private KeyPairGenerator generator;
        private byte[] message;
        private byte[] signature;

        @Setup
        public void setUp() throws Exception {
            // The long-lived keys as the station and the registry hold them: read by Bouncy Castle.
            KeyPairGenerator held = KeyPairGenerator.getInstance("EC", Providers.ellipticCurve());
            held.initialize(new ECGenParameterSpec("secp256r1"));
            station = held.generateKeyPair();
            registry = held.generateKeyPair();
            generator = KeyPairGenerator.getInstance("EC", Providers.p256());
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            message = Photos.photo(512, 3);
            Signature signer = Signature.getInstance("SHA256withECDSA", Providers.p256());
            signer.initSign(station.getPrivate());
            signer.update(message);
            signature = signer.sign();
        }

        /** ECDSA P-256 over a 512-byte message (the size of the signed attributes). */
        @Benchmark
        public byte[] ecdsaSign() throws Exception {
            Signature signer = Signature.getInstance("SHA256withECDSA", Providers.p256());
            signer.initSign(station.getPrivate());
            signer.update(message);
            return signer.sign();
        }

        @Benchmark
        public boolean ecdsaVerify() throws Exception {
            Signature verifier = Signature.getInstance("SHA256withECDSA", Providers.p256());
            verifier.initVerify(station.getPublic());
            verifier.update(message);
            return verifier.verify(signature);
        }

        /** One ECDH P-256 agreement (the registry's side; the sealer also generates an ephemeral key). */
        @Benchmark
        public byte[] ecdh() throws Exception {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH", Providers.p256());
            agreement.init(registry.getPrivate());
            agreement.doPhase(station.getPublic(), true);
            return agreement.generateSecret();
        }

        /** A fresh P-256 key pair: the sealer's ephemeral ECDH key. */
        @Benchmark
        public KeyPair ecKeyGen() {
            return generator.generateKeyPair();
        }
    }
}
