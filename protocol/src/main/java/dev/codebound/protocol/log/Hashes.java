package dev.codebound.protocol.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/** Copying and printing lists of hashes, shared by the immutable proof values. */
final class Hashes {
    private Hashes() {}

    /** A deep, unmodifiable copy, so a caller's later writes cannot alter a proof. */
    static List<byte[]> copyOf(List<byte[]> hashes) {
        List<byte[]> copy = new ArrayList<>(hashes.size());
        for (byte[] hash : hashes) {
            if (hash == null) {
                throw new NullPointerException("a proof hash is null");
            }
            copy.add(hash.clone());
        }
        return Collections.unmodifiableList(copy);
    }

    static boolean equal(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static int hashCode(List<byte[]> hashes) {
        int result = 1;
        for (byte[] hash : hashes) {
            result = 31 * result + Arrays.hashCode(hash);
        }
        return result;
    }

    static String toString(List<byte[]> hashes) {
        List<String> encoded = new ArrayList<>(hashes.size());
        for (byte[] hash : hashes) {
            encoded.add(Base64.getEncoder().encodeToString(hash));
        }
        return encoded.toString();
    }
}
