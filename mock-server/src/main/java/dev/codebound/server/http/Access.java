package dev.codebound.server.http;

/** Who may call a route. */
public enum Access {
    /** Anyone (trust bundle, enrollment, health). */
    PUBLIC,
    /** An authenticated station: a registry-issued client certificate (or the dev header in plain mode). */
    STATION,
    /** The registry's operator: see {@link AdminGuard}. */
    ADMIN
}
