package dev.ebpm.store;

/**
 * Where an installed version came from: a local archive file, a URL, standard input, a hub (by name), or an OCI
 * registry or image layout ({@code registry/repository@sha256:DIGEST}, the digest the reference resolved to).
 */
public record InstallSource(Kind kind, String location) {
    public enum Kind {
        FILE("file"), URL("url"), STDIN("stdin"), HUB("hub"), OCI("oci");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) if (k.id.equals(s)) return k;
            throw new StoreException("unknown install source kind \"" + s + "\"");
        }
    }

    public InstallSource {
        if (kind == null || location == null) throw new IllegalArgumentException("kind and location are required");
    }

    public static InstallSource file(java.nio.file.Path p) {
        return new InstallSource(Kind.FILE, p.toAbsolutePath().normalize().toString());
    }

    public static InstallSource url(String url) {
        return new InstallSource(Kind.URL, url);
    }

    public static InstallSource stdin() {
        return new InstallSource(Kind.STDIN, "-");
    }

    /** {@code registry/repository@sha256:DIGEST}. */
    public static InstallSource oci(String pinnedReference) {
        return new InstallSource(Kind.OCI, pinnedReference);
    }

    public static InstallSource hub(String hubName) {
        return new InstallSource(Kind.HUB, hubName);
    }

    @Override
    public String toString() {
        return kind.id + ":" + location;
    }
}
