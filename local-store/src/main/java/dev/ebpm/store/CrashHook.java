package dev.ebpm.store;

/**
 * Test hook for crash-safety tests: when {@code EBPM_CRASH_AT} (env) or {@code ebpm.crash.at} (system property)
 * names a step, the process halts there as if killed (exit 137, no shutdown hooks, no finally blocks). Besides the
 * commit steps here, the blob directory reports its own ({@code BlobDirectory.AFTER_TEMP_WRITE}, {@code AFTER_RENAME}).
 */
final class CrashHook {
    static final String BEFORE_COMMIT = "before-commit";
    static final String AFTER_COMMIT = "after-commit";

    private static final String STEP = System.getProperty("ebpm.crash.at", System.getenv("EBPM_CRASH_AT"));

    private CrashHook() {
    }

    static void reach(String step) {
        if (STEP != null && STEP.equals(step)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
