package dev.ebpm.cli.options;

import dev.ebpm.core.session.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --insecure-registry HOST}, for every command that may reach an OCI registry. */
public final class RegistryFlags {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "reach this registry over plain HTTP (localhost and 127.0.0.1 always are; also EBPM_INSECURE_REGISTRIES)")
    List<String> insecure = new ArrayList<>();

    public Settings apply(Settings s) {
        return insecure.isEmpty() ? s : s.insecureRegistries(Set.copyOf(insecure));
    }
}
