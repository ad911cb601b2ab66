package dev.codebound.server.objects;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ObjectStore} contract, one test per clause of its javadoc. An implementation's test
 * extends this class and supplies stores; every test runs against it, so the directory store and
 * the S3 store are held to the same semantics.
 */
public abstract class ObjectStoreContractTest {
    /** The store under test, from {@link #newStore()}. */
    protected ObjectStore store;

    /**
     * A new store over the same storage as every other store this test made (a second handle on
     * it, as another registry node has), empty at the start of each test.
     */
    protected abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() throws IOException {
        store.close();
    }

    @Test
    void keysOutsideTheAlphabetOrWithEmptyDotOrDotDotSegmentsAreRefused() throws IOException {
        List<String> bad = List.of("", "x".repeat(513), "/uploads/a", "uploads//a", "uploads/a/", "uploads/./a",
                "uploads/../a", "..", "uploads/a b", "uploads/\u00e9", "uploads/a\\b", "uploads/a?b",
                "uploads/a%2Fb");
        for (String key : bad) {
            assertThrows(IllegalArgumentException.class, () -> store.put(key, new byte[] {1}), key);
            assertThrows(IllegalArgumentException.class, () -> store.open(key), key);
            assertThrows(IllegalArgumentException.class, () -> store.delete(key), key);
        }
        String longest = "k/" + "a".repeat(510);
        store.put(longest, new byte[] {7});
        assertEquals(Optional.of(1L), store.length(longest));
        store.put("uploads/A-z_0.9/x", new byte[] {8});
        assertEquals(List.of("uploads/A-z_0.9/x"), store.list("uploads/"));
    }

    @Test
    void whatPutReturnedFromIsReadByAnotherHandleOnTheStorage() throws Exception {
        byte[] bytes = bytes(1, 100_000);
        store.put("durable/one", bytes);
        store.put("durable/two", new ByteArrayInputStream(bytes), bytes.length);
        try (ObjectStore other = newStore()) {
            assertArrayEquals(bytes, read(other, "durable/one"));
            assertArrayEquals(bytes, read(other, "durable/two"));
        }
    }

    @Test
    void aStreamThatEndsEarlyStoresNothingAndLeavesTheOldObject() throws IOException {
        byte[] old = bytes(2, 1000);
        store.put("short/key", old);
        byte[] fresh = bytes(3, 500);
        assertThrows(IOException.class, () -> store.put("short/key", new ByteArrayInputStream(fresh), 501));
        assertArrayEquals(old, read(store, "short/key"));
        assertThrows(IOException.class, () -> store.put("short/new", new ByteArrayInputStream(fresh), 501));
        assertEquals(Optional.empty(), store.length("short/new"));
    }

    @Test
    void putReadsExactlyTheLengthGiven() throws IOException {
        byte[] bytes = bytes(4, 1000);
        InputStream content = new ByteArrayInputStream(bytes);
        store.put("exact/key", content, 600);
        assertArrayEquals(java.util.Arrays.copyOf(bytes, 600), read(store, "exact/key"));
        assertEquals(400, content.available());
        store.put("exact/empty", new ByteArrayInputStream(new byte[0]), 0);
        assertEquals(Optional.of(0L), store.length("exact/empty"));
    }

    @Test
    void aReaderKeepsTheWholeObjectItOpenedWhileAnotherReplacesIt() throws IOException {
        byte[] first = bytes(5, 200_000);
        byte[] second = bytes(6, 300_000);
        store.put("atomic/key", first);
        try (InputStream reader = store.open("atomic/key")) {
            store.put("atomic/key", second);
            assertArrayEquals(first, reader.readAllBytes());
        }
        assertArrayEquals(second, read(store, "atomic/key"));
        assertEquals(Optional.of((long) second.length), store.length("atomic/key"));
    }

    @Test
    void everyMethodMayBeCalledFromManyThreadsAtOnce() throws Exception {
        int threads = 4;
        int perThread = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String key = "concurrent/" + thread + "/" + i;
                        byte[] bytes = bytes(thread * 100 + i, 10_000 + i);
                        store.put(key, bytes);
                        assertArrayEquals(bytes, read(store, key));
                        store.copy(key, key + ".copy");
                        store.delete(key);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * perThread, store.list("concurrent/").size());
        assertTrue(store.list("concurrent/").stream().allMatch(key -> key.endsWith(".copy")));
    }

    @Test
    void aMultipartObjectAppearsOnlyOnCompletionMadeOfItsPartsInOrder() throws IOException {
        int size = Math.toIntExact(store.minimumPartSize());
        byte[] one = bytes(7, size);
        byte[] two = bytes(8, size);
        byte[] three = bytes(9, 1234);
        String upload = store.beginMultipart("multipart/object");
        ObjectStore.Part third = store.uploadPart("multipart/object", upload, 3, new ByteArrayInputStream(three),
                three.length);
        ObjectStore.Part first = store.uploadPart("multipart/object", upload, 1, new ByteArrayInputStream(one),
                one.length);
        ObjectStore.Part second = store.uploadPart("multipart/object", upload, 2, new ByteArrayInputStream(two),
                two.length);
        assertThrows(NoSuchObjectException.class, () -> store.open("multipart/object"));
        assertEquals(List.of(), store.list("multipart/"));
        assertEquals(List.of(1, 2, 3), List.of(first.number(), second.number(), third.number()));
        assertEquals(three.length, third.length());

        store.completeMultipart("multipart/object", upload, List.of(first, second, third));
        assertArrayEquals(concat(one, two, three), read(store, "multipart/object"));
        assertEquals(List.of("multipart/object"), store.list("multipart/"));
    }

    @Test
    void uploadingAPartNumberAgainReplacesThePart() throws IOException {
        int size = Math.toIntExact(store.minimumPartSize());
        byte[] stale = bytes(10, size);
        byte[] fresh = bytes(11, size);
        byte[] last = bytes(12, 10);
        String upload = store.beginMultipart("replace/object");
        store.uploadPart("replace/object", upload, 1, new ByteArrayInputStream(stale), stale.length);
        ObjectStore.Part first = store.uploadPart("replace/object", upload, 1, new ByteArrayInputStream(fresh),
                fresh.length);
        ObjectStore.Part second = store.uploadPart("replace/object", upload, 2, new ByteArrayInputStream(last),
                last.length);
        store.completeMultipart("replace/object", upload, List.of(first, second));
        assertArrayEquals(concat(fresh, last), read(store, "replace/object"));
    }

    @Test
    void aPartSmallerThanTheMinimumIsRefusedUnlessItIsTheLast() throws IOException {
        byte[] small = bytes(13, Math.toIntExact(Math.min(1000, store.minimumPartSize() - 1)));
        String upload = store.beginMultipart("small/object");
        ObjectStore.Part first = store.uploadPart("small/object", upload, 1, new ByteArrayInputStream(small),
                small.length);
        ObjectStore.Part second = store.uploadPart("small/object", upload, 2, new ByteArrayInputStream(small),
                small.length);
        assertThrows(Exception.class, () -> store.completeMultipart("small/object", upload, List.of(first, second)));
        assertEquals(Optional.empty(), store.length("small/object"));
        store.completeMultipart("small/object", upload, List.of(first));
        assertArrayEquals(small, read(store, "small/object"));
    }

    @Test
    void completingAgainWithTheSamePartsSucceeds() throws IOException {
        byte[] bytes = bytes(14, 4096);
        String upload = store.beginMultipart("retry/object");
        ObjectStore.Part part = store.uploadPart("retry/object", upload, 1, new ByteArrayInputStream(bytes),
                bytes.length);
        store.completeMultipart("retry/object", upload, List.of(part));
        store.completeMultipart("retry/object", upload, List.of(part));
        assertArrayEquals(bytes, read(store, "retry/object"));
    }

    @Test
    void anAbortedUploadIsInvisibleAndAbortingAgainDoesNothing() throws IOException {
        byte[] bytes = bytes(15, 4096);
        String upload = store.beginMultipart("aborted/object");
        store.uploadPart("aborted/object", upload, 1, new ByteArrayInputStream(bytes), bytes.length);
        store.abortMultipart("aborted/object", upload);
        store.abortMultipart("aborted/object", upload);
        assertThrows(NoSuchObjectException.class, () -> store.open("aborted/object"));
        assertEquals(Optional.empty(), store.length("aborted/object"));
        assertEquals(List.of(), store.list("aborted/"));
    }

    @Test
    void partNumbersOutsideOneToTenThousandAreRefused() throws IOException {
        String upload = store.beginMultipart("numbers/object");
        try {
            for (int number : new int[] {0, -1, 10_001}) {
                assertThrows(IllegalArgumentException.class, () -> store.uploadPart("numbers/object", upload, number,
                        new ByteArrayInputStream(new byte[1]), 1));
            }
        } finally {
            store.abortMultipart("numbers/object", upload);
        }
    }

    @Test
    void aMissingObjectCannotBeOpenedOrCopiedHasNoLengthAndDeletingItDoesNothing() throws IOException {
        NoSuchObjectException missing = assertThrows(NoSuchObjectException.class, () -> store.open("missing/key"));
        assertTrue(missing.getMessage().contains("missing/key"), missing.getMessage());
        assertEquals(Optional.empty(), store.length("missing/key"));
        store.delete("missing/key");
        assertThrows(NoSuchObjectException.class, () -> store.copy("missing/key", "missing/copy"));
        assertEquals(Optional.empty(), store.length("missing/copy"));
    }

    @Test
    void deleteRemovesTheObject() throws IOException {
        store.put("deleted/key", bytes(16, 10));
        store.delete("deleted/key");
        assertThrows(NoSuchObjectException.class, () -> store.open("deleted/key"));
        assertEquals(List.of(), store.list("deleted/"));
    }

    @Test
    void copyMakesAnIndependentObjectWithTheSameBytes() throws IOException {
        byte[] bytes = bytes(17, 70_000);
        store.put("copy/source", bytes);
        store.copy("copy/source", "copy/target");
        store.put("copy/source", bytes(18, 5));
        assertArrayEquals(bytes, read(store, "copy/target"));
        store.copy("copy/source", "copy/target");
        assertEquals(Optional.of(5L), store.length("copy/target"));
    }

    @Test
    void listGivesEveryKeyUnderThePrefixInLexicographicOrder() throws IOException {
        List<String> keys = List.of("list/b", "list/a/2", "list/a/10", "list/A", "list/a-", "list/a/1", "lisp/x",
                "list/z.z", "other/list/a");
        for (String key : keys) {
            store.put(key, key.getBytes(US_ASCII));
        }
        assertEquals(List.of("list/A", "list/a-", "list/a/1", "list/a/10", "list/a/2", "list/b", "list/z.z"),
                store.list("list/"));
        assertEquals(List.of("list/a/1", "list/a/10"), store.list("list/a/1"));
        assertEquals(List.of(), store.list("nothing/"));
        assertEquals(keys.size(), store.list("").size());
    }

    /** Deterministic pseudo-random bytes: a different {@code seed} gives different bytes. */
    protected static byte[] bytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static byte[] read(ObjectStore store, String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[]... arrays) {
        int length = 0;
        for (byte[] array : arrays) {
            length += array.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] array : arrays) {
            System.arraycopy(array, 0, all, at, array.length);
            at += array.length;
        }
        return all;
    }
}
