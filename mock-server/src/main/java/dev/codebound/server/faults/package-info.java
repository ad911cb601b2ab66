/**
 * Fault injection, so that integrators can test their clients against a registry that misbehaves the way a
 * real one does: a {@link dev.codebound.server.faults.FaultPlan} of {@link dev.codebound.server.faults.FaultRule}s
 * (which route, when: the n-th request or a seeded probability, and what: a status, a delay, a reset, a
 * dribble, a wrong checksum, a held lock, an expired upload), set and read over the admin API ({@link dev.codebound.server.faults.FaultRoutes})
 * and applied per request by {@link dev.codebound.server.faults.FaultInjector} through the dispatcher's one
 * decorator hook.
 *
 * <p>A plan is a pure, replayable schedule: the same seed and requests give the same faults
 * ({@link dev.codebound.server.faults.FaultDraw}), and a plan read with {@code GET /admin/faults} is accepted
 * unchanged by {@code PUT}. Faults answer as the registry or its gateway would (no tell-tale bodies). This
 * package must not reach into the registry's state: it only wraps request handlers.
 */
package dev.codebound.server.faults;
