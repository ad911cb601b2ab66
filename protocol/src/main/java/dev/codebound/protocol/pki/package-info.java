/**
 * Keys, certificates and trust: the registry's certificate authority and the profiles of what each certificate
 * may do ({@link dev.codebound.protocol.pki.CertificateAuthority},
 * {@link dev.codebound.protocol.pki.CertificateProfile}), the registry's keyring
 * ({@link dev.codebound.protocol.pki.RegistryKeyring}), a station's signing identity
 * ({@link dev.codebound.protocol.pki.StationCredentials}) and the PKCS#10 requests of enrollment, the signed
 * {@link dev.codebound.protocol.pki.TrustBundle} a station verifies offline, signed JSON documents
 * ({@link dev.codebound.protocol.pki.SignedJson}), PEM and PKCS#12 files, and the JCA provider chosen per
 * primitive ({@link dev.codebound.protocol.pki.Providers}: BoringSSL through Conscrypt for P-256, bulk AES,
 * SHA-256 and the station's TLS where its native library loads, unpacked where no other user can replace it,
 * Bouncy Castle and the JDK elsewhere).
 *
 * <p>Private keys are written only encrypted when a passphrase is given, always atomically and owner-only;
 * they never reach a log or a message. Failures are {@link dev.codebound.protocol.pki.PkiException}s that say
 * what and where.
 */
package dev.codebound.protocol.pki;
