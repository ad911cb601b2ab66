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
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileObjectStore} held to the {@link ObjectStore} contract ({@link ObjectStoreContractTest}),
 * with a small minimum part size, and what only a directory can get wrong: long keys split into
 * directories, temporary files a failed write or a crash leaves, two nodes writing one key, parts
 * replaced behind the completion's back.
 */
class FileObjectStoreTest extends ObjectStoreContractTest {
    private static final long MINIMUM_PART = 16;

    @TempDir
    Path root;

    /** A store over {@link #root}, the test's own directory: each one is another node's handle on it. */
    @Override
    protected ObjectStore newStore() throws IOException {
        return new FileObjectStore(root, MINIMUM_PART);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] read(String key) throws IOException {
        return read(store, key);
    }

    private ObjectStore.Part part(String key, String uploadId, int number, byte[] content) throws IOException {
        return store.uploadPart(key, uploadId, number, new ByteArrayInputStream(content), content.length);
    }

    // Keys

    @Test
    void keysOfTheWholeAlphabetUpTo512CharactersAreStoredAndAKeyBesideItsOwnPrefixToo() throws IOException {
        String longest = "a/" + "b".repeat(300) + "/" + "c".repeat(209);
        assertEquals(512, longest.length());
        for (String key : List.of("A-Z.a_z/0-9", longest, "a", "a/b", ".hidden/x")) {
            store.put(key, bytes(key));
        }
        for (String key : List.of("A-Z.a_z/0-9", longest, "a", "a/b", ".hidden/x")) {
            assertArrayEquals(bytes(key), read(key), key);
        }
    }

    // Durability

    @Test
    void aPutWhoseContentEndsShortLeavesNoTemporaryFile() throws IOException {
        assertThrows(IOException.class, () -> store.put("fresh", new ByteArrayInputStream(bytes("new")), 10));
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

    // Concurrency

    @Test
    void concurrentWritersOfOneKeyOnTwoNodesLeaveOneWholeObject() throws Exception {
        ObjectStore otherNode = new FileObjectStore(root, MINIMUM_PART);
        // Every version exists before the first write: the writers read the list while checking.
        List<byte[]> written = IntStream.range(0, 20).mapToObj(i -> bytes(Integer.toString(i).repeat(1000 + i)))
                .toList();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) {
                byte[] version = written.get(i);
                ObjectStore node = i % 2 == 0 ? store : otherNode;
                writes.add(threads.submit(() -> {
                    node.put("shared", version);
                    byte[] seen = read(node, "shared");
                    assertTrue(written.stream().anyMatch(v -> Arrays.equals(v, seen)),
                            "a reader sees one whole version");
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            byte[] last = read("shared");
            assertTrue(written.stream().anyMatch(v -> Arrays.equals(v, last)), "the last write stands whole");
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "the writers stopped");
        }
    }

    // Multipart

    @Test
    void completionRefusesAPartReplacedSinceItWasListed() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part listed = part("big", uploadId, 1, bytes("what was listed"));
        part("big", uploadId, 1, bytes("what another writer put there"));
        assertThrows(IOException.class, () -> store.completeMultipart("big", uploadId, List.of(listed)));
        assertEquals(Optional.empty(), store.length("big"));
    }

    @Test
    void completionListsAtLeastOnePartInAscendingOrderOfNumbers() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part one = part("big", uploadId, 1, bytes("part number one!"));
        ObjectStore.Part two = part("big", uploadId, 10_000, bytes("x"));
        assertThrows(IllegalArgumentException.class, () -> store.completeMultipart("big", uploadId,
                List.of(two, one)));
        assertThrows(IllegalArgumentException.class, () -> store.completeMultipart("big", uploadId, List.of()));
    }

    @Test
    void anAbortedUploadTakesNoMorePartsAndLeavesNoPartOnDisk() throws IOException {
        String uploadId = store.beginMultipart("big");
        ObjectStore.Part only = part("big", uploadId, 1, bytes("never completed"));
        store.abortMultipart("big", uploadId);
        assertThrows(IOException.class, () -> part("big", uploadId, 2, bytes("late")));
        assertThrows(IOException.class, () -> store.completeMultipart("big", uploadId, List.of(only)));
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

    // Copy and list

    @Test
    void aCopyKeepsItsBytesWhenTheSourceIsDeleted() throws IOException {
        store.put("upload", bytes("envelope"));
        store.copy("upload", "photos/abc.cms");
        store.delete("upload");
        assertArrayEquals(bytes("envelope"), read("photos/abc.cms"));
        assertEquals(Optional.of(8L), store.length("photos/abc.cms"));
    }

    @Test
    void listGivesKeysSplitIntoDirectoriesWholeAndInLexicographicOrder() throws IOException {
        String longKey = "u/" + "z".repeat(400);
        for (String key : List.of("u/b", "u/a/2", longKey, "u/a/1", "ua", "v/a")) {
            store.put(key, bytes(key));
        }
        assertEquals(List.of("u/a/1", "u/a/2", "u/b", longKey), store.list("u/"));
        assertEquals(List.of("u/a/1", "u/a/2", "u/b", longKey, "ua"), store.list("u"));
        assertEquals(6, store.list("").size());
        assertEquals(List.of(), store.list("w"));
    }

}
