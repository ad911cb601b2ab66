package dev.codebound.server.objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileObjectStore} against the {@link ObjectStore} contract, one group of tests per clause
 * (keys, durability, atomic replacement, concurrency, multipart, missing objects), then copy and
 * list.
 */
class FileObjectStoreTest {
    private static final long MINIMUM_PART = 16;

    @TempDir
    Path root;

    private ObjectStore store;

    @BeforeEach
    void open() throws IOException {
        store = new FileObjectStore(root, MINIMUM_PART);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        }
    }

    private ObjectStore.Part part(String key, String uploadId, int number, byte[] content) throws IOException {
        return store.uploadPart(key, uploadId, number, new ByteArrayInputStream(content), content.length);
    }

    // Keys

    @Test
    void keysOfTheWholeAlphabetUpTo512CharactersAreStored() throws IOException {
        String longest = "a/" + "b".repeat(300) + "/" + "c".repeat(209);
        assertEquals(512, longest.length());
        for (String key : List.of("A-Z.a_z/0-9", longest, "a", "a/b", ".hidden/x")) {
            store.put(key, bytes(key));
        }
        for (String key : List.of("A-Z.a_z/0-9", longest, "a", "a/b", ".hidden/x")) {
            assertArrayEquals(bytes(key), read(key), key);
        }
    }

    @Test
    void malformedKeysAreRefused() {
        for (String key : List.of("", "/a", "a//b", "a/./b", "a/../b", "..", "a/", "a b", "a%2Fb", "é",
                "x".repeat(513))) {
            assertThrows(IllegalArgumentException.class, () -> store.put(key, bytes("x")), key);
            assertThrows(IllegalArgumentException.class, () -> store.length(key), key);
        }
    }

    // Durability

    @Test
    void whatPutReturnedForIsReadByAnotherStoreOverTheSameDirectory() throws IOException {
        store.put("uploads/1", bytes("first"));
        store.put("uploads/2", new ByteArrayInputStream(bytes("second and more")), 6);
        ObjectStore reopened = new FileObjectStore(root, MINIMUM_PART);
        assertArrayEquals(bytes("first"), readFrom(reopened, "uploads/1"));
        assertArrayEquals(bytes("second"), readFrom(reopened, "uploads/2"));
    }

    @Test
    void aPutWhoseContentEndsShortStoresNothingAndKeepsTheOldObject() throws IOException {
        store.put("k", bytes("old"));
        assertThrows(IOException.class, () -> store.put("k", new ByteArrayInputStream(bytes("new")), 10));
        assertThrows(IOException.class, () -> store.put("fresh", new ByteArrayInputStream(bytes("new")), 10));
        assertArrayEquals(bytes("old"), read("k"));
        assertEquals(Optional.empty(), store.length("fresh"));
        try (Stream<Path> leftovers = Files.list(root.resolve("tmp"))) {
            assertEquals(0, leftovers.count(), "a failed write leaves no temporary file");
        }
    }

    @Test
    void aWriteCutShortByACrashIsNeverSeen() throws IOException {
        // What a crash between writing the temporary file and renaming it leaves.
        Files.write(root.resolve("tmp").resolve("0123456789abcdef0123456789abcdef"), bytes("torn"));
        assertEquals(List.of(), store.list(""));
        assertEquals(Optional.empty(), store.length("torn"));
    }

    // Atomic replacement

    @Test
    void aReaderKeepsTheWholeObjectItOpenedWhileAPutReplacesIt() throws IOException {
        store.put("k", bytes("the old object"));
        try (InputStream reader = store.open("k")) {
            store.put("k", bytes("the new object, longer"));
            assertArrayEquals(bytes("the old object"), reader.readAllBytes());
        }
        assertArrayEquals(bytes("the new object, longer"), read("k"));
    }

    // Concurrency

    @Test
    void concurrentWritersOfOneKeyOnTwoNodesLeaveOneWholeObject() throws Exception {
        ObjectStore otherNode = new FileObjectStore(root, MINIMUM_PART);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<byte[]> versions = new ArrayList<>();
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] version = bytes(Integer.toString(i).repeat(1000 + i));
                versions.add(version);
                ObjectStore node = i % 2 == 0 ? store : otherNode;
                writes.add(threads.submit(() -> {
                    node.put("shared", version);
                    byte[] seen = readFrom(node, "shared");
                    assertTrue(versions.stream().anyMatch(v -> Arrays.equals(v, seen)),
                            "a reader sees one whole version");
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            byte[] last = read("shared");
            assertTrue(versions.stream().anyMatch(v -> Arrays.equals(v, last)), "the last write stands whole");
        } finally {
            threads.shutdown();
        }
    }

    // Multipart

    @Test
    void partsBecomeOneObjectInTheOrderListedOnlyWhenCompleted() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part second = part("big", uploadId, 2, bytes("-second part, 16+"));
        ObjectStore.Part first = part("big", uploadId, 1, bytes("first part, 16 bytes+"));
        ObjectStore.Part last = part("big", uploadId, 3, bytes("-end"));
        assertEquals(Optional.empty(), store.length("big"), "invisible before completion");
        assertEquals(List.of(), store.list("big"));
        store.completeMultipart("big", uploadId, List.of(first, second, last));
        assertArrayEquals(bytes("first part, 16 bytes+-second part, 16+-end"), read("big"));
    }

    @Test
    void uploadingAPartNumberAgainReplacesThePart() throws IOException {
        String uploadId = store.beginMultipart("big");
        part("big", uploadId, 1, bytes("a first try of part one"));
        ObjectStore.Part retried = part("big", uploadId, 1, bytes("the retried part one"));
        store.completeMultipart("big", uploadId, List.of(retried));
        assertArrayEquals(bytes("the retried part one"), read("big"));
    }

    @Test
    void completionRefusesAPartReplacedSinceItWasListed() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part listed = part("big", uploadId, 1, bytes("what was listed"));
        part("big", uploadId, 1, bytes("what another writer put there"));
        assertThrows(IOException.class, () -> store.completeMultipart("big", uploadId, List.of(listed)));
        assertEquals(Optional.empty(), store.length("big"));
    }

    @Test
    void everyPartButTheLastMustReachTheMinimumSize() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part small = part("big", uploadId, 1, bytes("small"));
        ObjectStore.Part last = part("big", uploadId, 2, bytes("last"));
        assertEquals(MINIMUM_PART, store.minimumPartSize());
        assertThrows(IOException.class, () -> store.completeMultipart("big", uploadId, List.of(small, last)));
        store.completeMultipart("big", uploadId, List.of(small));
        assertArrayEquals(bytes("small"), read("big"), "a single small part is the last part");
    }

    @Test
    void partNumbersRunFromOneTo10000AndCompleteInAscendingOrder() throws IOException {
        String uploadId = store.beginMultipart("big");
        assertThrows(IllegalArgumentException.class, () -> part("big", uploadId, 0, bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> part("big", uploadId, 10_001, bytes("x")));
        ObjectStore.Part one = part("big", uploadId, 1, bytes("part number one!"));
        ObjectStore.Part two = part("big", uploadId, 10_000, bytes("x"));
        assertThrows(IllegalArgumentException.class, () -> store.completeMultipart("big", uploadId,
                List.of(two, one)));
        assertThrows(IllegalArgumentException.class, () -> store.completeMultipart("big", uploadId, List.of()));
    }

    @Test
    void completingAgainWithTheSamePartsSucceedsSoThatARetryAfterACrashIsSafe() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part only = part("big", uploadId, 1, bytes("the only part"));
        store.completeMultipart("big", uploadId, List.of(only));
        store.completeMultipart("big", uploadId, List.of(only));
        assertArrayEquals(bytes("the only part"), read("big"));
    }

    @Test
    void anAbortedUploadIsGoneAndAbortingAgainDoesNothing() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part only = part("big", uploadId, 1, bytes("never completed"));
        store.abortMultipart("big", uploadId);
        store.abortMultipart("big", uploadId);
        assertThrows(IOException.class, () -> part("big", uploadId, 2, bytes("late")));
        assertThrows(IOException.class, () -> store.completeMultipart("big", uploadId, List.of(only)));
        assertEquals(Optional.empty(), store.length("big"));
        try (Stream<Path> uploads = Files.list(root.resolve("multipart"))) {
            assertEquals(0, uploads.count(), "no part is left on disk");
        }
    }

    @Test
    void aPartOfAnUploadOfAnotherKeyIsRefused() throws IOException {
        String uploadId = store.beginMultipart("big");
        assertThrows(IOException.class, () -> part("other", uploadId, 1, bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> part("big", "../objects", 1, bytes("x")));
    }

    // Missing objects

    @Test
    void aMissingKeyIsNoSuchObjectToOpenEmptyToLengthAndNothingToDelete() throws IOException {
        assertThrows(NoSuchObjectException.class, () -> store.open("missing"));
        assertThrows(NoSuchObjectException.class, () -> store.copy("missing", "elsewhere"));
        assertEquals(Optional.empty(), store.length("missing"));
        store.delete("missing");
        store.put("present", bytes("x"));
        store.delete("present");
        assertThrows(NoSuchObjectException.class, () -> store.open("present"));
    }

    // Copy and list

    @Test
    void aCopyKeepsItsBytesWhenTheSourceIsReplacedOrDeleted() throws IOException {
        store.put("upload", bytes("envelope"));
        store.copy("upload", "photos/abc.cms");
        store.put("upload", bytes("replaced"));
        assertArrayEquals(bytes("envelope"), read("photos/abc.cms"));
        store.delete("upload");
        assertArrayEquals(bytes("envelope"), read("photos/abc.cms"));
        assertEquals(Optional.of(8L), store.length("photos/abc.cms"));
    }

    @Test
    void listGivesTheKeysUnderAPrefixInLexicographicOrder() throws IOException {
        String longKey = "u/" + "z".repeat(400);
        for (String key : List.of("u/b", "u/a/2", longKey, "u/a/1", "ua", "v/a")) {
            store.put(key, bytes(key));
        }
        assertEquals(List.of("u/a/1", "u/a/2", "u/b", longKey), store.list("u/"));
        assertEquals(List.of("u/a/1", "u/a/2", "u/b", longKey, "ua"), store.list("u"));
        assertEquals(6, store.list("").size());
        assertEquals(List.of(), store.list("w"));
    }

    private static byte[] readFrom(ObjectStore node, String key) throws IOException {
        try (InputStream in = node.open(key)) {
            return in.readAllBytes();
        }
    }
}
