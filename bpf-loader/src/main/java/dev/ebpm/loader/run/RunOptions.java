package dev.ebpm.loader.run;

import dev.ebpm.loader.event.EventFormatter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How to run one package.
 *
 * @param variables   data-section variable name -> value text, from the command line
 * @param btf         kernel BTF file for kernels without /sys/kernel/btf/vmlinux
 * @param ifname      interface for tc/xdp programs, overriding the package's ifindex
 * @param uprobeBinary binary for uprobes, overriding the one in the section name
 * @param duration    stop after this long; null runs until stopped
 * @param printk      whether to show the lines the programs write with bpf_printk
 * @param sampleFrequency samples per second for perf_event programs, overriding the package's
 */
public record RunOptions(
        Map<String, String> variables,
        EventFormatter.Mode mode,
        Optional<Path> btf,
        Optional<String> ifname,
        Optional<String> uprobeBinary,
        Duration duration,
        boolean verbose,
        Printk printk,
        OptionalLong sampleFrequency) {

    /** bpf_printk output: shown when the package has nothing else to show, no event map nor sampled map ({@code AUTO}); always; never. */
    public enum Printk { AUTO, SHOW, HIDE }

    public static RunOptions defaults() {
        return new RunOptions(Map.of(), EventFormatter.Mode.TABLE, Optional.empty(), Optional.empty(), Optional.empty(), null, false, Printk.AUTO,
                OptionalLong.empty());
    }
}
