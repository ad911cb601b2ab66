package dev.codebound.registry.junit;

/**
 * A collection code issued by the registry under test.
 *
 * @param codeId the code's id (16 characters A-Z, 2-7)
 * @param text   the signed code as a station's scanner reads it from the QR image
 */
public record IssuedCode(String codeId, String text) {}
