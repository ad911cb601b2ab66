/**
 * What an operator polls: {@code GET /health} (public), {@code GET /metrics} (Prometheus text) and
 * {@code GET /admin/journal} ({@link dev.codebound.server.admin.AdminRoutes}), over the server's counters
 * ({@link dev.codebound.server.admin.ServerMetrics}) and a bounded ring buffer of recent requests
 * ({@link dev.codebound.server.admin.RequestJournal}).
 *
 * <p>Everything is answered from memory on the event loop and costs fixed memory however long the server
 * runs. Labels and journal entries carry route templates and statuses only: never a raw path, an id or
 * anything else a client chose.
 */
package dev.codebound.server.admin;
