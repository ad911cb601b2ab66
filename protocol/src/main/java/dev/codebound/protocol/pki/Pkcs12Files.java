package dev.codebound.protocol.pki;

import dev.codebound.protocol.io.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PKCS#12 key stores holding one private key and its certificate chain, the form TLS stacks and
 * operating systems import. Uses the JDK's PKCS12 implementation (PBES2 with AES-256 and
 * HMAC-SHA256 integrity on JDK 17).
 */
public final class Pkcs12Files {
    /** The alias under which Codebound stores its single key entry. */
    public static final String ALIAS = "codebound";

    private Pkcs12Files() {}

    /** A private key with its certificate chain, leaf first. */
    public record KeyEntry(PrivateKey privateKey, List<X509Certificate> chain) {
        public KeyEntry {
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new PkiException("a key entry needs at least its own certificate");
            }
        }
    }

    /** Writes the entry atomically, owner-only, protected by {@code password}. */
    public static void write(Path file, KeyEntry entry, char[] password) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, entry.privateKey(), password, entry.chain().toArray(Certificate[]::new));
            DurableFiles.write(file, true, out -> {
                try {
                    store.store(out, password);
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot encode PKCS#12 store: " + e.getMessage(), e);
                }
            });
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot build PKCS#12 store: " + e.getMessage(), e);
        }
    }

    /** Reads the single key entry; a wrong password is reported as such. */
    public static KeyEntry read(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(in, password);
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException) {
                    throw new PkiException(file + ": wrong password for the PKCS#12 store", e);
                }
                throw new PkiException(file + ": not a readable PKCS#12 store: " + e.getMessage(), e);
            }
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate certificate : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) certificate);
                    }
                    return new KeyEntry(key, chain);
                }
            }
            throw new PkiException(file + ": the PKCS#12 store holds no private key entry");
        } catch (GeneralSecurityException e) {
            throw new PkiException(file + ": cannot read PKCS#12 store: " + e.getMessage(), e);
        }
    }
}
