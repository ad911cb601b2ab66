/**
 * A small kit for the agent's tests: stand-in envelope files ({@link dev.codebound.agent.testing.Envelopes}:
 * the spool and the uploader treat envelopes as opaque bytes) and one consistent fake time
 * ({@link dev.codebound.agent.testing.FakeTime}: wall clock, monotonic clock and a sleeper that advances them).
 * Test code only; nothing here may be used by the agent's main code.
 */
package dev.codebound.agent.testing;
