/**
 * The benchmark suite (built only with {@code -Pbench}; docs/performance.md): its one entry point
 * ({@link dev.codebound.bench.BenchMain}), the report of figures each beside its ceiling
 * ({@link dev.codebound.bench.Report}), JIT warm-up before anything is timed, JDK Flight Recorder summaries, and
 * synthetic photos ({@link dev.codebound.bench.Photos}, drawn with the test kit).
 *
 * <p>Benchmarks measure and report; they assert no time and have no pass or fail. Nothing here ships to a
 * station or a registry.
 */
package dev.codebound.bench;
