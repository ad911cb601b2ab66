/**
 * The capture desk ({@code codebound-agent serve}): the station as one long-running service with a
 * page on loopback.
 *
 * <ul>
 *   <li>{@link dev.codebound.agent.desk.DeskRun} is one day from start to stop, as {@code serve} runs it:
 *       the desk, its page and scanner readers, the stop at SIGTERM with a grace for an upload;</li>
 *   <li>{@link dev.codebound.agent.desk.DeskService} runs the day: scans from the page, standard input
 *       or a scanner's device file; the camera's hot folder; checks and sealing with the pairing rules
 *       of {@code watch --pair-with-last-code}; and the upload scheduler
 *       ({@link dev.codebound.agent.desk.DeskUploads}) with the {@code upload} command's core;</li>
 *   <li>{@link dev.codebound.agent.desk.DeskState} is what the page shows (code ids only, never an
 *       identity; the last photo in memory only);</li>
 *   <li>{@link dev.codebound.agent.desk.DeskServer} serves the page with the JDK's HTTP server, and
 *       {@link dev.codebound.agent.desk.DeskGuard} decides who may use it (access token exchanged for a
 *       same-origin session cookie, CSRF token, Origin and Host checks).</li>
 * </ul>
 */
package dev.codebound.agent.desk;
