package dev.codebound.server.objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link S3ObjectStore} when things go wrong, against S3Proxy on loopback: wrong credentials, a
 * missing bucket, an unreachable service, the service stopping in the middle of a multipart upload,
 * bytes altered on the way; and objects of several parts streamed through.
 */
class S3ObjectStoreFailureTest {
    @RegisterExtension
    static final S3ProxyServer S3 = S3ProxyServer.perClass();

    @TempDir
    Path spool;

    @Test
    void wrongCredentialsAreReportedWithoutTheSecret() throws IOException {
        String bucket = S3.createBucket();
        String wrongSecret = "wrong-secret-" + S3.secretKey();
        S3Credentials wrong = new S3Credentials(S3.accessKey(), wrongSecret, Optional.empty(), "credentials.ini");
        try (S3ObjectStore store = S3ObjectStore.open(S3.settings(bucket, wrong), spool)) {
            IOException checked = assertThrows(IOException.class, store::checkWritable);
            assertTrue(checked.getMessage().contains("refused the credentials"), checked.getMessage());
            assertTrue(checked.getMessage().contains("credentials.ini"), checked.getMessage());
            IOException put = assertThrows(IOException.class, () -> store.put("uploads/a", new byte[] {1}));
            assertTrue(put.getMessage().contains("put of key uploads/a in bucket " + bucket), put.getMessage());
            for (Throwable failure = put; failure != null; failure = failure.getCause()) {
                assertFalse(String.valueOf(failure.getMessage()).contains(wrongSecret), failure.toString());
            }
        }
    }

    @Test
    void aMissingBucketIsNamedAndNoReadPretendsTheObjectIsMissing() throws IOException {
        try (S3ObjectStore store = S3ObjectStore.open(S3.settings("no-such-bucket"), spool)) {
            IOException checked = assertThrows(IOException.class, store::checkWritable);
            assertTrue(checked.getMessage().contains("bucket no-such-bucket does not exist"), checked.getMessage());
            assertTrue(checked.getMessage().contains("create it"), checked.getMessage());
            IOException put = assertThrows(IOException.class, () -> store.put("uploads/a", new byte[] {1}));
            assertTrue(put.getMessage().contains("the bucket does not exist"), put.getMessage());
            IOException length = assertThrows(IOException.class, () -> store.length("uploads/a"));
            assertTrue(length.getMessage().contains("does not exist"), length.getMessage());
            IOException open = assertThrows(IOException.class, () -> store.open("uploads/a"));
            assertFalse(open instanceof NoSuchObjectException, open.toString());
        }
    }

    @Test
    void anUnreachableEndpointIsReportedAsSuch() throws IOException {
        URI nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = URI.create("http://127.0.0.1:" + closed.getLocalPort());
        }
        S3Settings settings = S3.settings("bucket-a");
        S3Settings unreachable = new S3Settings(Optional.of(nobody), settings.bucket(), settings.region(),
                settings.credentials(), settings.timeouts());
        try (S3ObjectStore store = S3ObjectStore.open(unreachable, spool)) {
            IOException checked = assertThrows(IOException.class, store::checkWritable);
            assertTrue(checked.getMessage().contains("cannot reach the service"), checked.getMessage());
            assertTrue(checked.getMessage().contains(nobody.toString()), checked.getMessage());
        }
    }

    @Test
    void aWritableBucketPassesTheCheckAndKeepsNoProbe() throws IOException {
        String bucket = S3.createBucket();
        try (S3ObjectStore store = S3ObjectStore.open(S3.settings(bucket), spool)) {
            store.checkWritable();
            assertEquals(List.of(), store.list(""));
        }
    }

    @Test
    void theServiceStoppingInTheMiddleOfAMultipartUploadLeavesNoObject() throws Exception {
        String bucket = S3.createBucket();
        try (S3ObjectStore store = S3ObjectStore.open(S3.settings(bucket), spool)) {
            int size = Math.toIntExact(store.minimumPartSize());
            String upload = store.beginMultipart("uploads/interrupted");
            ObjectStore.Part first = store.uploadPart("uploads/interrupted", upload, 1, new PatternStream(1, size),
                    size);
            S3.stop();
            try {
                IOException failed = assertThrows(IOException.class, () -> store.uploadPart("uploads/interrupted",
                        upload, 2, new PatternStream(2, size), size));
                assertTrue(failed.getMessage().contains("upload of part 2 of key uploads/interrupted"),
                        failed.getMessage());
                assertTrue(failed.getMessage().contains("cannot reach the service"), failed.getMessage());
                assertThrows(IOException.class, () -> store.completeMultipart("uploads/interrupted", upload,
                        List.of(first)));
            } finally {
                S3.restart();
            }
            assertThrows(NoSuchObjectException.class, () -> store.open("uploads/interrupted"));
            assertEquals(List.of(), store.list("uploads/"));
            try (var files = Files.list(spool)) {
                assertEquals(0, files.count(), "spool files are deleted when their request fails");
            }
            store.abortMultipart("uploads/interrupted", upload);
            assertEquals(Optional.empty(), store.length("uploads/interrupted"));
        }
    }

    @Test
    void anObjectOfSeveralPartsIsStreamedThroughAndReadBackWhole() throws Exception {
        String bucket = S3.createBucket();
        try (S3ObjectStore store = S3ObjectStore.open(S3.settings(bucket), spool)) {
            long part = store.minimumPartSize();
            long[] lengths = {part, part, part + 12_345, 777};
            String upload = store.beginMultipart("envelopes/large");
            List<ObjectStore.Part> parts = new ArrayList<>();
            MessageDigest sent = sha256();
            for (int i = 0; i < lengths.length; i++) {
                PatternStream content = new PatternStream(10 + i, lengths[i]);
                parts.add(store.uploadPart("envelopes/large", upload, i + 1, new DigestingStream(content, sent),
                        lengths[i]));
            }
            store.completeMultipart("envelopes/large", upload, parts);
            long total = 3 * part + 12_345 + 777;
            assertEquals(Optional.of(total), store.length("envelopes/large"));
            assertArrayEquals(sent.digest(), digestOf(store, "envelopes/large"));

            MessageDigest single = sha256();
            store.put("envelopes/single", new DigestingStream(new PatternStream(20, 2 * part + 1), single),
                    2 * part + 1);
            assertArrayEquals(single.digest(), digestOf(store, "envelopes/single"));
        }
    }

    @Test
    void listingFollowsTheServicesContinuationPages() throws IOException {
        String bucket = S3.createBucket();
        try (S3ObjectStore store = S3ObjectStore.open(S3.settings(bucket), spool, 2)) {
            List<String> keys = List.of("paged/a", "paged/b", "paged/c", "paged/d", "paged/e");
            for (String key : keys) {
                store.put(key, new byte[] {1});
            }
            assertEquals(keys, store.list("paged/"));
        }
    }

    @Test
    void bytesAlteredOnTheWayAreRefusedByTheServiceAndNothingIsStored() throws Exception {
        String bucket = S3.createBucket();
        try (TamperingRelay relay = new TamperingRelay(S3.endpoint())) {
            S3Settings direct = S3.settings(bucket);
            S3Settings relayed = new S3Settings(Optional.of(relay.endpoint()), bucket, direct.region(),
                    direct.credentials(), direct.timeouts());
            byte[] bytes = new byte[100_000];
            new Random(30).nextBytes(bytes);
            try (S3ObjectStore store = S3ObjectStore.open(relayed, spool)) {
                IOException refused = assertThrows(IOException.class, () -> store.put("envelopes/altered", bytes));
                assertTrue(relay.tampered());
                assertTrue(refused.getMessage().contains("do not match their MD5"), refused.getMessage());
                assertEquals(Optional.empty(), store.length("envelopes/altered"));

                store.put("envelopes/altered", new ByteArrayInputStream(bytes), bytes.length);
                try (InputStream in = store.open("envelopes/altered")) {
                    assertArrayEquals(bytes, in.readAllBytes());
                }
            }
        }
    }

    private static byte[] digestOf(ObjectStore store, String key) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestingStream(store.open(key), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code length} pseudo-random bytes made as they are read: no array of that size ever exists. */
    private static final class PatternStream extends InputStream {
        private final Random random;
        private long remaining;

        PatternStream(long seed, long length) {
            this.random = new Random(seed);
            this.remaining = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int count = (int) Math.min(length, Math.min(remaining, 8192));
            byte[] chunk = new byte[count];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, buffer, offset, count);
            remaining -= count;
            return count;
        }
    }

    /** Passes bytes through, adding them to a digest. */
    private static final class DigestingStream extends FilterInputStream {
        private final MessageDigest digest;

        DigestingStream(InputStream in, MessageDigest digest) {
            super(in);
            this.digest = digest;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digest.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                digest.update(buffer, offset, read);
            }
            return read;
        }
    }
}
