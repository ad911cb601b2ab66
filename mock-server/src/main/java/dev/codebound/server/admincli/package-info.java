/**
 * {@code codebound-mock-server admin ...}: the integrator's command line for a running mock
 * registry's admin API (codes, stations, enrollment tokens, the fault plan, the request journal, the
 * log checkpoint), in the agent's style: one line per error or one JSON object with {@code --json},
 * and documented exit codes (docs/admin-cli.md). Commands parse and delegate to
 * {@link dev.codebound.server.admincli.RegistryClient}, the one place that talks HTTP.
 */
package dev.codebound.server.admincli;
