/**
 * Synthetic inputs for the tests of every module and for the benchmarks.
 *
 * <p>{@link dev.codebound.testkit.SamplePhotos} draws deterministic portraits that are free of any real
 * person: a good one, and one per {@link dev.codebound.testkit.SamplePhotos.Defect}. The kit owns how a
 * sample looks; what the photo checks conclude about a sample is asserted by the protocol module's tests.
 * {@link dev.codebound.testkit.HeadlessChromium} starts the browser that the pages' tests drive.
 * {@link dev.codebound.testkit.ByteScan} finds a secret's bytes where the privacy tests say it must not be.
 * {@link dev.codebound.testkit.LoopbackPostgres} starts a real PostgreSQL server on loopback for the registry's
 * PostgreSQL stores: their tests and the multi-node benchmark.
 *
 * <p>The kit must stay out of what ships: modules depend on it with test scope (the benchmarks, which ship
 * nothing, at compile scope), and it depends on no Codebound module, because the protocol's own tests use
 * it. The agent's quickstart uses photos drawn once by this kit and committed as resources.
 */
package dev.codebound.testkit;
