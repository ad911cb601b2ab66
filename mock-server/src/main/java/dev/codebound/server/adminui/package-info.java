/**
 * The admin web page at {@code /admin/ui/}: static files from the jar, a login that trades the admin
 * token for a short-lived session cookie, and the guard that lets such a session call the admin API
 * (with a CSRF token and an Origin check on every change). The page holds no data of its own: its
 * script reads and changes everything through the admin API documented in docs/registry-api.md.
 */
package dev.codebound.server.adminui;
