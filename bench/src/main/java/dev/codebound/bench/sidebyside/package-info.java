/**
 * The side-by-side benchmark ({@code java -jar codebound-bench.jar sidebyside}): the same folder of
 * spec-valid photos moved by rclone crypt→sftp, by tus-js-client→@tus/server and by Codebound's
 * {@code watch --once} and {@code upload}, in interleaved rounds, each subject run as a user runs it
 * (separate processes) with the CPU of client and server, peak RSS and fsyncs per photo measured
 * from outside the processes. See docs/performance.md, "Side by side with the peers".
 */
package dev.codebound.bench.sidebyside;
