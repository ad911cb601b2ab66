/**
 * The {@code codebound-agent} command line (picocli): one class per command and the shared plumbing of
 * every command, the documented exit codes ({@link dev.codebound.agent.cli.ExitCodes}, docs/agent.md) and
 * how a failure reaches the operator or a script ({@link dev.codebound.agent.cli.ErrorReport}, one
 * {@code error:} line or one JSON object with {@code --json}).
 *
 * <p>It owns parsing: options, the station home a command works on ({@link dev.codebound.agent.cli.HomeOption},
 * {@link dev.codebound.agent.cli.StationHomeGuard}), the cryptographic engine an operator asked for
 * ({@link dev.codebound.agent.cli.CryptoEngineGuard}), and what a command reads from its surroundings
 * ({@link dev.codebound.agent.cli.AgentEnvironment}: environment variables, standard input, whether a person
 * watches). A command parses, delegates to {@code station}, {@code capture}, {@code spool}, {@code upload},
 * {@code watch} or {@code audit}, and prints the outcome.
 *
 * <p>It must not call {@code System.getenv} or {@code System.in} itself (tests inject the environment), take a
 * secret from an argument (passphrases and tokens come from files or the environment), or print a key, a
 * passphrase or anything personal.
 */
package dev.codebound.agent.cli;
