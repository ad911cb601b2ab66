package dev.codebound.bench.sidebyside;

/** What the comparison runs, in the order of a round. */
enum Subject {
    RCLONE("rclone crypt -> sftp", true),
    TUS("tus-js-client -> @tus/server", true),
    CAPTURE("codebound watch --once (capture)", false),
    UPLOAD("codebound upload", false),
    /**
     * One photo captured and uploaded on its own: what an upload run costs whatever it carries (JVM
     * start, key unlock, TLS handshakes, opening the spool). Not a row of the table: the report splits
     * the upload's CPU into this fixed cost and the marginal cost of a photo.
     */
    UPLOAD_ONE("codebound upload of 1 photo", false),
    /** {@link #CAPTURE} through the installation's launcher ({@code sidebyside --installation}). */
    CAPTURE_LAUNCHER("codebound watch --once (launcher)", false),
    /** {@link #UPLOAD} through the installation's launcher. */
    UPLOAD_LAUNCHER("codebound upload (launcher)", false),
    /** {@link #UPLOAD_ONE} through the installation's launcher. */
    UPLOAD_ONE_LAUNCHER("codebound upload of 1 photo (launcher)", false);

    private final String label;
    private final boolean peer;

    Subject(String label, boolean peer) {
        this.label = label;
        this.peer = peer;
    }

    String label() {
        return label;
    }

    /** Whether it is one of the tools Codebound's upload is compared with. */
    boolean peer() {
        return peer;
    }

    /** Whether it is a row of the table (every subject but the uploads of one photo). */
    boolean tabled() {
        return this != UPLOAD_ONE && this != UPLOAD_ONE_LAUNCHER;
    }
}
