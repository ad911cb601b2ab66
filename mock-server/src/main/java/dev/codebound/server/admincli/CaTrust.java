package dev.codebound.server.admincli;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.pki.PemFiles;
import dev.codebound.protocol.pki.PkiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The registry CA the admin CLI trusts, and a TLS context that trusts only it (with host name
 * checks). The CA comes from its PEM file ({@code <data-dir>/keys/registry-ca.cert.pem}) or from the
 * SHA-256 fingerprint the server prints at start: the CLI then fetches {@code /registry/v1/ca.pem}
 * without trusting anything, and uses it only if its fingerprint is the one given.
 */
final class CaTrust {
    private CaTrust() {}

    /** The CA from its PEM file; a missing or invalid file is exit code 3. */
    static X509Certificate fromFile(Path file) throws AdminFailure {
        try {
            return single(PemFiles.certificatesFromPem(Files.readString(file), file.toString()), file.toString());
        } catch (NoSuchFileException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, "--ca " + file + ": no such file; the registry's CA is "
                    + "<data-dir>/keys/registry-ca.cert.pem", e);
        } catch (IOException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, "--ca " + file + ": cannot read it: " + e.getMessage(), e);
        } catch (PkiException e) {
            throw new AdminFailure(AdminExitCodes.INPUT, "--ca " + file + ": not a PEM certificate: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The CA the registry at {@code base} serves, if its SHA-256 fingerprint is {@code fingerprint}
     * (hex, colons and case ignored); otherwise exit code 6, since the server is not the one meant.
     */
    static X509Certificate fromFingerprint(URI base, String fingerprint, Duration timeout) throws AdminFailure {
        String wanted = normalise(fingerprint);
        HttpClient unverified = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).sslContext(acceptingAnything()).build();
        String pem;
        try {
            HttpResponse<String> response = unverified.send(HttpRequest.newBuilder(base.resolve("/registry/v1/ca.pem"))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AdminFailure(AdminExitCodes.UNREACHABLE, base + " answered " + response.statusCode()
                        + " for its CA certificate (/registry/v1/ca.pem); is it a Codebound registry?");
            }
            pem = response.body();
        } catch (IOException e) {
            throw RegistryClient.unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminFailure(AdminExitCodes.INTERNAL, "interrupted", e);
        }
        X509Certificate certificate;
        try {
            certificate = single(PemFiles.certificatesFromPem(pem, base + "/registry/v1/ca.pem"), "the served CA");
        } catch (PkiException | AdminFailure e) {
            throw new AdminFailure(AdminExitCodes.UNREACHABLE, base + " served no usable CA certificate: "
                    + e.getMessage(), e);
        }
        if (!Certificates.fingerprint(certificate).equals(wanted)) {
            throw new AdminFailure(AdminExitCodes.UNREACHABLE, "the registry at " + base + " has CA "
                    + Certificates.displayFingerprint(certificate) + ", not the --ca-fingerprint given; this is not "
                    + "the registry you meant (or the fingerprint is mistyped): nothing was sent to it");
        }
        return certificate;
    }

    /** A TLS context trusting {@code ca} alone. */
    static SSLContext context(X509Certificate ca) throws AdminFailure {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("registry-ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(ca.getEncoded())));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new AdminFailure(AdminExitCodes.INTERNAL, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Lower-case hex without colons or spaces; anything but 64 hex digits is a usage error. */
    static String normalise(String fingerprint) throws AdminFailure {
        String hex = fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new AdminFailure(AdminExitCodes.USAGE, "--ca-fingerprint must be the SHA-256 fingerprint the "
                    + "server prints (64 hex digits, colons allowed), not '" + fingerprint + "'");
        }
        return hex;
    }

    private static X509Certificate single(List<X509Certificate> certificates, String source) throws AdminFailure {
        if (certificates.size() != 1) {
            throw new AdminFailure(AdminExitCodes.INPUT, source + " holds " + certificates.size()
                    + " certificates; expected the registry CA alone");
        }
        return certificates.get(0);
    }

    /**
     * Only for fetching the CA certificate, whose fingerprint is checked before it is used: nothing
     * else is ever sent over a connection made with this.
     */
    private static SSLContext acceptingAnything() throws AdminFailure {
        TrustManager anything = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {anything}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new AdminFailure(AdminExitCodes.INTERNAL, "cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
