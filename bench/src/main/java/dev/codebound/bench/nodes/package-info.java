/**
 * The registry's multi-node mode beside the embedded one ({@code java -jar codebound-bench.jar nodes}): the same
 * photos uploaded by the same stations to the embedded registry, to one node over the shared stores (PostgreSQL
 * and an object directory) and to two nodes over the same shared stores, with files/s and CPU per photo
 * (this JVM, which runs the stations and every node, plus the PostgreSQL server's processes).
 * {@link dev.codebound.bench.nodes.NodesBench} runs it; {@link dev.codebound.bench.nodes.Deployment} starts
 * each set of nodes; {@link dev.codebound.bench.nodes.CpuClock} reads the CPU.
 */
package dev.codebound.bench.nodes;
