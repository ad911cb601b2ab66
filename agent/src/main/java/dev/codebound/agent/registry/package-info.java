/**
 * The station's client of the registry's endpoints besides tus (docs/registry-api.md): enrollment and the
 * trust bundle ({@link dev.codebound.agent.registry.RegistryClient}), with the timeouts every registry call
 * uses ({@link dev.codebound.agent.registry.RegistryTimeouts}), a size limit on every answer it reads
 * ({@link dev.codebound.agent.registry.BoundedBody}), the registry's refusals as problems
 * ({@link dev.codebound.agent.registry.RegistryRefusal}) and the clock measured against the registry's
 * {@code Date} header ({@link dev.codebound.agent.registry.RegistryDateObserver}).
 *
 * <p>It only talks. Judging what the registry said is elsewhere: an enrollment answer is checked by
 * {@link dev.codebound.agent.registry.EnrollmentCheck} before anything is stored, a trust bundle by
 * {@code station.StationTrust}. It must not write to the station home, and must never read an answer
 * into memory without a limit.
 */
package dev.codebound.agent.registry;
