package dev.ebpm.core.runs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.run.RunOptions;
import dev.ebpm.loader.wasm.WasmOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a detached run runs, apart from the package bytes: the CLI parses the command line into this, the daemon
 * hosts it, and {@code runs/ID/run.json} keeps it so that the daemon can start the run again from its copy (restart
 * policy, after a reboot) without the CLI. Events are always JSON lines.
 *
 * @param packageName   the package's short name
 * @param version       its version, "-" when unknown
 * @param kind          "bpf" or "wasm"
 * @param ebpmWords     ebpm's own options as typed before PKG ({@code --verbose}, {@code --btf F}...), for the record
 * @param packageWords  the words after PKG: the package's options (already parsed into {@code variables} for an eBPF
 *                      package), or a WASM guest's argv
 * @param variables     .rodata/.bss variable -> value text, for an eBPF package
 * @param durationMillis stop after this long; null runs until stopped
 * @param restart       a {@link RestartPolicy} id
 * @param printk        whether bpf_printk lines go to the log: a {@link RunOptions.Printk} name; null (a run.json older
 *                      than the field) is AUTO
 * @param sampleFrequency samples per second for perf_event programs, overriding the package's; null keeps it
 * @param metrics       the metrics to serve while the run runs, checked by the CLI; null (also a run.json older than
 *                      the field) serves none
 */
public record RunSpec(
        String packageName,
        String version,
        String kind,
        List<String> ebpmWords,
        List<String> packageWords,
        Map<String, String> variables,
        String btf,
        String ifname,
        String uprobeBinary,
        Long durationMillis,
        boolean verbose,
        boolean wasmInterpreter,
        String restart,
        String printk,
        Long sampleFrequency,
        MetricsRequest metrics) {

    public RunSpec {
        ebpmWords = List.copyOf(ebpmWords);
        packageWords = List.copyOf(packageWords);
        variables = Map.copyOf(variables);
    }

    @JsonIgnore
    public boolean isWasm() {
        return "wasm".equals(kind);
    }

    @JsonIgnore
    public RestartPolicy restartPolicy() {
        return RestartPolicy.of(restart);
    }

    /** How to run the eBPF package: JSON lines, the given variables and overrides. */
    public RunOptions runOptions() {
        return new RunOptions(variables, EventFormatter.Mode.JSON, btfPath(), Optional.ofNullable(ifname), Optional.ofNullable(uprobeBinary),
                durationMillis == null ? null : Duration.ofMillis(durationMillis), verbose,
                printk == null ? RunOptions.Printk.AUTO : RunOptions.Printk.valueOf(printk),
                sampleFrequency == null ? OptionalLong.empty() : OptionalLong.of(sampleFrequency));
    }

    /** How to run the WASM guest (its output streams are the host's to set). */
    public WasmOptions wasmOptions() {
        return WasmOptions.defaults().withCompiled(!wasmInterpreter).withBtf(btfPath()).withVerbose(verbose)
                .withDuration(Optional.ofNullable(durationMillis).map(Duration::ofMillis));
    }

    /** The words {@code ps --json} shows as {@code args}: ebpm's options, the package copy's path, the package's words. */
    public List<String> words(Path packageCopy) {
        List<String> w = new java.util.ArrayList<>();
        w.add("--detach");
        w.addAll(ebpmWords);
        w.add(packageCopy.toString());
        w.addAll(packageWords);
        return w;
    }

    private Optional<Path> btfPath() {
        return Optional.ofNullable(btf).map(Path::of);
    }
}
