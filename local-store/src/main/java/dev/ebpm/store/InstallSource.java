package dev.ebpm.store;

/** Where an installed version came from: a local archive file, a URL, standard input, or a hub (by name). */
public record InstallSource(Kind kind, String location) {
    public enum Kind {
        FILE("file"), URL("url"), STDIN("stdin"), HUB("hub");

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

    public static InstallSource hub(String hubName) {
        return new InstallSource(Kind.HUB, hubName);
    }

    @Override
    public String toString() {
        return kind.id + ":" + location;
    }
}
