package dev.ebpm.core.session;

/** Where ebpm-core's words for the user go: the CLI prints them, a test collects them; core never prints. */
public interface Reporter {
    /** Something the user should know, e.g. a package let in unverified. */
    void warning(String message);

    /** Progress the user may like to see, e.g. an example being built from source. */
    void note(String message);

    Reporter SILENT = new Reporter() {
        @Override
        public void warning(String message) {
        }

        @Override
        public void note(String message) {
        }
    };
}
