package dev.codebound.bench.sidebyside;

/** What the comparison runs, in the order of a round. */
enum Subject {
    RCLONE("rclone crypt -> sftp", true),
    TUS("tus-js-client -> @tus/server", true),
    CAPTURE("codebound watch --once (capture)", false),
    UPLOAD("codebound upload", false);

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
}
