package dev.codebound.server.objects;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the object store that a registry's nodes share lives: a directory every node mounts
 * ({@code --objects DIR}) or a bucket of an S3-compatible service ({@code --s3-*}). One or the
 * other, never both: the nodes must all write the same bytes to the same place.
 */
public sealed interface ObjectStoreLocation {
    /**
     * Opens the store, ready to take bytes: a registry that could not keep them must not start and
     * accept uploads. The caller closes it.
     *
     * @param spool a directory of this node's own where streamed content may wait before it is sent
     */
    ObjectStore open(Path spool) throws IOException;

    /** What an operator reads in the banner and in errors: the kind and the place, never a secret. */
    String describe();

    /**
     * A directory shared by the nodes (a shared file system that honours fsync and atomic rename),
     * as {@link FileObjectStore} keeps it.
     *
     * @param root the directory; created owner-only if missing
     */
    record Directory(Path root) implements ObjectStoreLocation {
        public Directory {
            Objects.requireNonNull(root, "root");
        }

        @Override
        public ObjectStore open(Path spool) throws IOException {
            return new FileObjectStore(root);
        }

        @Override
        public String describe() {
            return "directory " + root.toAbsolutePath();
        }
    }

    /**
     * A bucket of an S3-compatible service, as {@link S3ObjectStore} keeps it; opening it checks
     * the bucket exists and is writable ({@link S3ObjectStore#checkWritable()}).
     *
     * @param settings the service, bucket and credentials
     */
    record S3Bucket(S3Settings settings) implements ObjectStoreLocation {
        public S3Bucket {
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public ObjectStore open(Path spool) throws IOException {
            S3ObjectStore store = S3ObjectStore.open(settings, spool);
            try {
                store.checkWritable();
            } catch (IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }

        @Override
        public String describe() {
            return "S3 " + settings.describe();
        }
    }
}
