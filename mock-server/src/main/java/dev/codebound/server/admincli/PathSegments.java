package dev.codebound.server.admincli;

/** Ids the user types go into URL paths: only characters that cannot change the path's meaning. */
final class PathSegments {
    private PathSegments() {}

    /** {@code id} if it is letters, digits, {@code .}, {@code _} or {@code -} (not only dots); else exit code 2. */
    static String checked(String id, String label) throws AdminFailure {
        if (!id.matches("[A-Za-z0-9._-]{1,128}") || id.matches("\\.+")) {
            throw new AdminFailure(AdminExitCodes.USAGE, label + " '" + id + "' is not an id (letters, digits, '.', "
                    + "'_' and '-')");
        }
        return id;
    }
}
