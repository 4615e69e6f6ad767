package dev.ebpm.cli.shell;

import java.util.List;

/**
 * Every environment variable ebpm reads, with what it means: its own {@code EBPM_*} ones, then the few of others it
 * honours. {@code ebpm env} prints them, docs/environment.md lists them (with the ones only the build scripts read),
 * and a test holds both to the code.
 */
final class EnvironmentVariables {
    record Variable(String name, String meaning) {}

    static final List<Variable> ALL = List.of(
            new Variable("EBPM_HOME", "the store directory (as --store)"),
            new Variable("EBPM_CONFIG_DIR", "the configuration directory (also -Debpm.config.dir)"),
            new Variable("EBPM_CACHE_DIR", "the cache directory (also -Debpm.cache.dir)"),
            new Variable("EBPM_KEYS", "the directory of your signing keys (default: <store>/keys)"),
            new Variable("EBPM_OFFLINE", "1, true or yes: never use the network (as --offline)"),
            new Variable("EBPM_INSECURE_REGISTRIES", "registries reached over plain HTTP, comma-separated (as --insecure-registry)"),
            new Variable("EBPM_HTTP_DEADLINE", "seconds one HTTP request may take, head and body (default 300; 0: none)"),
            new Variable("EBPM_HTTP_MIN_RATE", "bytes per second a download must average, or it is abandoned (default 1024; 0: none)"),
            new Variable("EBPM_TOKEN", "the hub token publish and yank send (as --token)"),
            new Variable("EBPM_KEY_PASSPHRASE_FILE", "a file holding the signing key's passphrase (as --passphrase-file)"),
            new Variable("EBPM_EXAMPLES", "the embedded examples' directory (the launcher passes -Debpm.examples)"),
            new Variable("EBPM_BUILTIN_KEYS", "the installation's built-in keys file (the launcher passes -Debpm.trust.builtin)"),
            new Variable("EBPM_BUSY_TIMEOUT_MS", "milliseconds a command waits for another's write to the store (default 10000)"),
            new Variable("EBPM_LOG_MAX_BYTES", "size at which a detached run's event log rotates (default 10 MiB)"),
            new Variable("EBPM_DAEMON_JAVA_OPTS", "the JVM flags of the daemon run -d starts (default: one small JVM)"),
            new Variable("EBPM_JAVA_OPTS", "extra JVM flags the launcher (bin/ebpm, ./ebpm) passes"),
            new Variable("EBPM_DEBUG", "1: print the stack trace behind an error"),
            new Variable("EBPM_TIMING", "1: print the wall time of install's and run's phases on stderr"),
            new Variable("EBPM_CRASH_AT", "test hook: exit at the named step of a store write (crash-safety tests)"),
            // not ebpm's own, but read by it
            new Variable("XDG_CONFIG_HOME", "the configuration directory is $XDG_CONFIG_HOME/ebpm (not for root)"),
            new Variable("XDG_CACHE_HOME", "the cache directory is $XDG_CACHE_HOME/ebpm (not for root)"),
            new Variable("XDG_DATA_HOME", "the store is $XDG_DATA_HOME/ebpm (not for root)"),
            new Variable("EUNOMIA_REPOSITORY", "the URL of the built-in eunomia hub"),
            new Variable("DOCKER_CONFIG", "the directory of config.json, the registry credentials ebpm login writes"),
            new Variable("BTF_FILE_PATH", "the kernel's BTF for run and build, when /sys/kernel/btf/vmlinux is missing (as --btf)"));

    private EnvironmentVariables() {
    }
}
