/**
 * Memory figures, each from a child JVM with a small heap: the agent uploading a huge envelope under
 * {@code -Xmx64m} and the registry serving many stations under {@code -Xmx512m}
 * ({@link dev.codebound.bench.memory.MemorySuite}), with the peak heap measured three ways
 * ({@link dev.codebound.bench.memory.HeapWatch}).
 */
package dev.codebound.bench.memory;
