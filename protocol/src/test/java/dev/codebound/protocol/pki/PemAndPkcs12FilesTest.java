package dev.codebound.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.codebound.protocol.io.DurableFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemAndPkcs12FilesTest {
    @TempDir
    Path dir;

    @Test
    void encryptedPrivateKeyRoundTripsOwnerOnly() throws Exception {
        KeyPair pair = KeyPairs.generateP256();
        Path file = dir.resolve("station.key.pem");
        PemFiles.writePrivateKey(file, pair.getPrivate(), "correct horse".toCharArray());

        assertEquals(DurableFiles.OWNER_ONLY, Files.getPosixFilePermissions(file));
        String pem = Files.readString(file);
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
        PrivateKey read = PemFiles.readPrivateKey(file, "correct horse".toCharArray());
        assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
        try (var leftovers = Files.list(dir)) {
            assertEquals(List.of(file), leftovers.toList(), "no temporary file may remain");
        }
    }

    @Test
    void wrongOrMissingPassphraseIsReportedAsSuch() throws Exception {
        Path file = dir.resolve("k.pem");
        PemFiles.writePrivateKey(file, KeyPairs.generateP256().getPrivate(), "right".toCharArray());
        PkiException wrong = assertThrows(PkiException.class, () -> PemFiles.readPrivateKey(file, "wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
        PkiException missing = assertThrows(PkiException.class, () -> PemFiles.readPrivateKey(file, null));
        assertTrue(missing.getMessage().contains("supply its passphrase"), missing.getMessage());
    }

    @Test
    void unencryptedKeyAndCertificatesRoundTrip() throws Exception {
        RegistryKeyring registry = TestRegistries.create("Pem Registry");
        Path keyFile = dir.resolve("ca.key.pem");
        Path certFile = dir.resolve("ca.cert.pem");
        PemFiles.writePrivateKey(keyFile, registry.authority().privateKey(), null);
        PemFiles.writeCertificates(certFile, List.of(registry.authority().certificate(),
                registry.encryption().certificate()));
        assertTrue(Files.readString(keyFile).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertArrayEquals(registry.authority().privateKey().getEncoded(),
                PemFiles.readPrivateKey(keyFile, null).getEncoded());
        assertEquals(List.of(registry.authority().certificate(), registry.encryption().certificate()),
                PemFiles.readCertificates(certFile));
    }

    @Test
    void notPemIsACleanError() {
        PkiException e = assertThrows(PkiException.class, () -> PemFiles.certificatesFromPem("hello", "input.pem"));
        assertTrue(e.getMessage().startsWith("input.pem: contains no PEM certificate"), e.getMessage());
        PkiException key = assertThrows(PkiException.class,
                () -> PemFiles.privateKeyFromPem("", null, "empty.pem"));
        assertTrue(key.getMessage().contains("expected a PEM PRIVATE KEY block, found none"), key.getMessage());
    }

    @Test
    void pkcs12RoundTripsAndRejectsAWrongPassword() throws Exception {
        RegistryKeyring registry = TestRegistries.create("P12 Registry");
        StationCredentials station = registry.issueStation("ST-0001", TestRegistries.NOW,
                TestRegistries.NOW.plusSeconds(86_400));
        Path file = dir.resolve("station.p12");
        Pkcs12Files.write(file, new Pkcs12Files.KeyEntry(station.privateKey(),
                List.of(station.certificate(), registry.authority().certificate())), "pw".toCharArray());

        assertEquals(DurableFiles.OWNER_ONLY, Files.getPosixFilePermissions(file));
        Pkcs12Files.KeyEntry read = Pkcs12Files.read(file, "pw".toCharArray());
        assertEquals(station.certificate(), read.chain().get(0));
        assertEquals(2, read.chain().size());
        assertArrayEquals(station.privateKey().getEncoded(), read.privateKey().getEncoded());
        PkiException e = assertThrows(PkiException.class, () -> Pkcs12Files.read(file, "nope".toCharArray()));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
        assertFalse(e.getMessage().contains("nope"));
    }
}
