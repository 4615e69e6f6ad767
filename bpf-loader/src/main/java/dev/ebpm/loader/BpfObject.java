package dev.ebpm.loader;

import dev.ebpm.loader.internal.LibbpfLog;
import dev.ebpm.loader.internal.LibbpfMap;
import dev.ebpm.loader.internal.LibbpfObject;
import dev.ebpm.loader.internal.LibbpfProgram;
import dev.ebpm.loader.internal.NativeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An opened BPF ELF object (libbpf's {@code struct bpf_object}): programs and maps, loaded into
 * the kernel by {@link #load()}. Owns its native handle; closing it unloads every program and map
 * that no link or pin keeps alive. Its programs and maps live in the object's native memory, so
 * after {@link #close()} every call on them (and on the object, except {@link #name()} and close)
 * throws {@link IllegalStateException}.
 */
public final class BpfObject implements AutoCloseable {
    private final String name;
    private LibbpfObject handle; // null once closed
    private final List<BpfProgram> programs;
    private final List<BpfMap> maps;

    private BpfObject(LibbpfObject handle, String name) {
        this.handle = handle;
        this.name = name;
        List<BpfProgram> ps = new ArrayList<>();
        for (LibbpfProgram p : handle.programs()) ps.add(new BpfProgram(this, p));
        List<BpfMap> ms = new ArrayList<>();
        for (LibbpfMap m : handle.maps()) ms.add(new BpfMap(this::checkOpen, m));
        this.programs = List.copyOf(ps);
        this.maps = List.copyOf(ms);
    }

    /**
     * Opens an object from its ELF bytes without loading it.
     *
     * @param btfCustomPath kernel BTF to relocate against, for kernels without /sys/kernel/btf/vmlinux
     */
    public static BpfObject open(byte[] elf, String name, Optional<Path> btfCustomPath) {
        LibbpfLog.clear();
        try {
            return new BpfObject(LibbpfObject.open(elf, name, btfCustomPath.map(Path::toString).orElse(null)), name);
        } catch (NativeException e) {
            throw new BpfException("cannot open BPF object '" + name + "': " + e.getMessage() + lastWarning(), libbpfLog(), e.errno());
        }
    }

    public String name() {
        return name;
    }

    public List<BpfProgram> programs() {
        handle();
        return programs;
    }

    public List<BpfMap> maps() {
        handle();
        return maps;
    }

    public Optional<BpfProgram> program(String progName) {
        handle();
        return programs.stream().filter(p -> p.name().equals(progName)).findFirst();
    }

    public Optional<BpfMap> map(String mapName) {
        handle();
        return maps.stream().filter(m -> m.name().equals(mapName)).findFirst();
    }

    /** The object's BTF as raw bytes (after libbpf's fix-ups), or empty if it has none. */
    public Optional<byte[]> rawBtf() {
        return handle().rawBtf();
    }

    /**
     * Loads every program marked for autoload into the kernel. On failure the message names the
     * program that the kernel refused, its section and the reason; the verifier log is the detail.
     */
    public void load() {
        LibbpfObject h = handle();
        LibbpfLog.clear();
        try {
            h.load();
        } catch (NativeException e) {
            String reason = e.getMessage();
            Optional<BpfProgram> failed = LibbpfLog.failedProgram().flatMap(this::program);
            if (failed.isPresent()) {
                String section = failed.get().sectionName();
                throw new BpfException("program '" + failed.get().name() + "' (" + section + ") cannot be loaded: " + reason
                        + KernelSupport.explainLoadFailure(section, e.errno()), libbpfLog(), e.errno());
            }
            throw new BpfException("cannot load BPF object '" + name + "': " + reason + lastWarning(), libbpfLog(), e.errno());
        }
    }

    private static String lastWarning() {
        return LibbpfLog.lastWarning().map(w -> " (" + w + ")").orElse("");
    }

    private static String libbpfLog() {
        return String.join("\n", LibbpfLog.lines());
    }

    private LibbpfObject handle() {
        if (handle == null) throw new IllegalStateException("object '" + name + "' was used after it was closed");
        return handle;
    }

    /** For the object's programs and maps, e.g. kind "map", name "events". */
    void checkOpen(String kind, String handleName) {
        if (handle == null) {
            throw new IllegalStateException(kind + " '" + handleName + "' of object '" + name + "' was used after the object was closed");
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            handle.close();
            handle = null;
        }
    }
}
