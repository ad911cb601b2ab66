/** The capture desk's latency benchmark ({@code codebound-bench.jar desk}): photo finished → verdict on the page. */
package dev.codebound.bench.desk;
