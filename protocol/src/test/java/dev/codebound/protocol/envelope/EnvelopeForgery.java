package dev.codebound.protocol.envelope;

import dev.codebound.protocol.pki.StationCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What an attacker who holds a station key can build: a well-formed envelope, signed and encrypted
 * exactly as the sealer does, around a binding of the attacker's choosing (a code proof lifted from
 * another envelope, say). For the other modules' attack tests, which reach it through this module's
 * test jar; the sealer's parts it uses are package-private on purpose.
 */
public final class EnvelopeForgery {
    private EnvelopeForgery() {}

    /**
     * An envelope of {@code suite} signed by {@code signer} and encrypted to {@code registryEncryption},
     * carrying {@code binding} in both layers and {@code photo} as its content.
     */
    public static byte[] envelope(Suite suite, StationCredentials signer, X509Certificate registryEncryption,
            Binding binding, byte[] photo) throws IOException {
        Objects.requireNonNull(binding, "binding");
        byte[] bindingDer = binding.toDer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream signedLayer = SignedLayer.open(out, suite, signer, bindingDer);
                OutputStream encryptedLayer = EncryptedLayer.open(signedLayer, suite, registryEncryption)) {
            InnerContent.writeHeader(encryptedLayer, bindingDer);
            encryptedLayer.write(photo);
        }
        return out.toByteArray();
    }
}
