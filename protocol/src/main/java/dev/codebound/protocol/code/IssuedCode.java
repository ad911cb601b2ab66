package dev.codebound.protocol.code;

import java.time.Instant;

/**
 * A code the registry has just issued: its text (what goes into the QR code) and its public fields.
 *
 * @param codeId     the registry's id of the code (16 base32 characters)
 * @param text       the canonical code text
 * @param schoolCode the school the student belongs to
 * @param cohort     the graduation year
 * @param notBefore  start of validity
 * @param notAfter   end of validity
 */
public record IssuedCode(String codeId, String text, int schoolCode, int cohort, Instant notBefore, Instant notAfter) {}
