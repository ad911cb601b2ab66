package dev.codebound.protocol.pki;

import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * What a certificate issued by the registry CA may be used for. Each role gets exactly the key
 * usages it needs, so a key compromised in one role cannot be used in another.
 */
public enum CertificateProfile {
    /** The registry's root: signs every other certificate and the trust bundle. */
    REGISTRY_CA(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature, null, true),
    /** Signs collection codes. */
    CODE_SIGNING(KeyUsage.digitalSignature, null, false),
    /**
     * The registry's key-agreement key: envelopes and sealed identities are encrypted to it.
     * Carries emailProtection so that {@code openssl cms -decrypt} treats it as a CMS recipient.
     */
    REGISTRY_ENCRYPTION(KeyUsage.keyAgreement, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection}, false),
    /**
     * Suite 2's registry encryption key (SM2): envelopes' content keys are SM2-encrypted to it (CMS
     * key transport, as GM/T 0010 does), hence keyEncipherment rather than keyAgreement.
     */
    REGISTRY_KEY_TRANSPORT(KeyUsage.keyEncipherment, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection}, false),
    /**
     * A capture station: signs envelopes (CMS, hence emailProtection, which {@code openssl cms -verify}
     * checks by default) and authenticates itself in mutual TLS (clientAuth).
     */
    STATION(KeyUsage.digitalSignature,
            new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection, KeyPurposeId.id_kp_clientAuth}, false),
    /** The registry's HTTPS endpoint. */
    TLS_SERVER(KeyUsage.digitalSignature | KeyUsage.keyAgreement,
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, false),
    /** Signs receipts and transparency-log checkpoints. */
    RECEIPT_SIGNING(KeyUsage.digitalSignature, null, false);

    private final int keyUsage;
    private final KeyPurposeId[] extendedKeyUsage;
    private final boolean certificateAuthority;

    CertificateProfile(int keyUsage, KeyPurposeId[] extendedKeyUsage, boolean certificateAuthority) {
        this.keyUsage = keyUsage;
        this.extendedKeyUsage = extendedKeyUsage;
        this.certificateAuthority = certificateAuthority;
    }

    KeyUsage keyUsage() {
        return new KeyUsage(keyUsage);
    }

    /** The extended key usage extension, or {@code null} when the profile has none. */
    ExtendedKeyUsage extendedKeyUsage() {
        return extendedKeyUsage == null ? null : new ExtendedKeyUsage(extendedKeyUsage);
    }

    boolean isCertificateAuthority() {
        return certificateAuthority;
    }
}
