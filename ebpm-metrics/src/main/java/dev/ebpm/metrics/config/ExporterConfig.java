package dev.ebpm.metrics.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An eunomia-exporter configuration: one entry per program, each with the counters it feeds from its events.
 *
 * @param origin where it was read from, for messages ("config.yaml")
 */
public record ExporterConfig(String origin, List<Program> programs) {
    public ExporterConfig {
        programs = List.copyOf(programs);
    }

    /**
     * One program: what to run and what to count.
     *
     * @param where "config.yaml:2", for messages about this program
     */
    public record Program(String name, Source source, List<Counter> counters, String where) {
        public Program {
            counters = List.copyOf(counters);
        }
    }

    /** Where a program's package comes from. */
    public sealed interface Source {
        /** {@code compiled_ebpf_filename}: a package file, resolved against the config's directory. */
        record File(Path path) implements Source {}

        /** {@code ebpf_data}: the package.json text itself. */
        record Inline(String packageJson) implements Source {}

        /** ebpm's {@code package:} (or, with neither of the above, the program's name): a package spec as ebpm run takes it. */
        record Spec(String spec) implements Source {}
    }

    /** A counter, incremented by one per event, labelled with event fields. */
    public record Counter(String name, String description, List<Label> labels, String where) {
        public Counter {
            labels = List.copyOf(labels);
        }
    }

    /**
     * A label and the event field it takes its value from ({@code from}, by default the label's own name).
     *
     * @param where "config.yaml:9", for messages about this label
     */
    public record Label(String name, String field, String where) {}

    /** The program a run of {@code packageName} takes its counters from: the one of that name, or the only one. */
    public Optional<Program> programFor(String packageName) {
        for (Program p : programs) if (p.name().equals(packageName)) return Optional.of(p);
        return programs.size() == 1 ? Optional.of(programs.get(0)) : Optional.empty();
    }
}
