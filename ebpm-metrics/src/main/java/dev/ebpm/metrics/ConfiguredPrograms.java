package dev.ebpm.metrics;

import dev.ebpm.core.run.RunLocator;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.metrics.config.ConfigReader;
import dev.ebpm.metrics.config.ExporterConfig;
import dev.ebpm.metrics.config.MetricsConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The package an eunomia-exporter config's program names, found and checked by {@link RunLocator} like any other. */
public final class ConfiguredPrograms {
    private ConfiguredPrograms() {}

    /** The one program of a config that {@code ebpm run --metrics-config FILE} runs when no package is named. */
    public static ExporterConfig.Program onlyProgram(Path config) {
        ExporterConfig c = ConfigReader.read(config);
        if (c.programs().size() != 1) {
            throw new MetricsConfigException(config + " has " + c.programs().size() + " programs; name the package to run (ebpm run PKG --metrics-config "
                    + config + "), or serve them all with ebpm exporter --config " + config);
        }
        return c.programs().get(0);
    }

    /**
     * Locates a program's package: a {@code package:} spec (or the program's name) as ebpm run does (installed and
     * re-verified, or fetched under the trust policy); a file or inline {@code ebpf_data} only when
     * {@code unsignedBytesAllowed} (the exporter's --allow-unsigned; {@code ebpm run}'s own files are the user's).
     */
    public static RunnablePackage locate(RunLocator locator, ExporterConfig.Program p, boolean unsignedBytesAllowed, boolean allowUnsigned) {
        if (p.source() instanceof ExporterConfig.Source.Spec s) {
            return locator.locate(PackageSpec.parse(s.spec()), allowUnsigned);
        }
        if (!unsignedBytesAllowed) {
            throw new MetricsConfigException(p.where() + ": program '" + p.name() + "' brings its own package ("
                    + (p.source() instanceof ExporterConfig.Source.File f ? f.path() : "ebpf_data")
                    + "), which nothing signs; the exporter runs such packages only with --allow-unsigned (or name an installed package with package:)");
        }
        if (p.source() instanceof ExporterConfig.Source.File f) {
            return locator.locate(new PackageSpec.LocalPath(f.path().toString(), f.path()), allowUnsigned);
        }
        String json = ((ExporterConfig.Source.Inline) p.source()).packageJson();
        return locator.decode(json.getBytes(StandardCharsets.UTF_8), "package.json", p.where() + " (ebpf_data)");
    }
}
