package dev.ebpm.loader;

import dev.ebpm.loader.internal.LibBpf;
import dev.ebpm.loader.internal.LibbpfLog;
import dev.ebpm.loader.internal.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.NativeLongByReference;

/**
 * An opened BPF ELF object (libbpf's {@code struct bpf_object}): programs and maps, loaded into
 * the kernel by {@link #load()}. Owns its native handle; closing it unloads every program and map
 * that no link or pin keeps alive.
 */
public final class BpfObject implements AutoCloseable {
    // libbpf 1.1 struct bpf_object_open_opts, offsets as compiled against Debian's libbpf.h:
    // sz 0, object_name 8, relaxed_maps 16, pin_root_path 24, (a removed field's slot) 32,
    // kconfig 40, btf_custom_path 48, kernel_log_buf 56, kernel_log_size 64, kernel_log_level 72.
    static final int OPEN_OPTS_SIZE = 80;
    static final int OPTS_OBJECT_NAME = 8, OPTS_BTF_CUSTOM_PATH = 48;
    private static final Pattern FAILED_PROG = Pattern.compile("prog '([^']+)': failed to load");

    private final Native n;
    private final Pointer elfBuffer; // libelf reads the object in place until load finishes
    private final String name;
    private Pointer handle;
    private final List<BpfProgram> programs = new ArrayList<>();
    private final List<BpfMap> maps = new ArrayList<>();
    private boolean loaded;

    private BpfObject(Native n, Pointer elfBuffer, String name, Pointer handle) {
        this.n = n;
        this.elfBuffer = elfBuffer;
        this.name = name;
        this.handle = handle;
        for (Pointer p = n.bpf.bpf_object__next_program(handle, null); p != null;
                p = n.bpf.bpf_object__next_program(handle, p)) {
            programs.add(new BpfProgram(n, this, p));
        }
        for (Pointer m = n.bpf.bpf_object__next_map(handle, null); m != null;
                m = n.bpf.bpf_object__next_map(handle, m)) {
            maps.add(new BpfMap(n, m));
        }
    }

    /**
     * Opens an object from its ELF bytes without loading it.
     *
     * @param btfCustomPath kernel BTF to relocate against, for kernels without /sys/kernel/btf/vmlinux
     */
    public static BpfObject open(byte[] elf, String name, Optional<Path> btfCustomPath) {
        Native n = Native.get();
        Pointer buf = Memory.allocateDirect(n.runtime, Math.max(elf.length, 1));
        buf.put(0, elf, 0, elf.length);
        Pointer opts = Memory.allocateDirect(n.runtime, OPEN_OPTS_SIZE, true);
        opts.putLong(0, OPEN_OPTS_SIZE);
        Pointer objName = cString(n, name);
        opts.putPointer(OPTS_OBJECT_NAME, objName);
        Pointer btfPath = btfCustomPath.map(p -> cString(n, p.toString())).orElse(null);
        if (btfPath != null) opts.putPointer(OPTS_BTF_CUSTOM_PATH, btfPath);
        LibbpfLog.clear();
        Pointer h = n.bpf.bpf_object__open_mem(buf, elf.length, opts);
        if (h == null) {
            int errno = n.errno();
            throw new BpfException("cannot open BPF object '" + name + "': " + n.strerror(errno)
                    + lastLibbpfWarning().map(w -> " (" + w + ")").orElse(""), String.join("\n", LibbpfLog.lines()));
        }
        return new BpfObject(n, buf, name, h);
    }

    static Pointer cString(Native n, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(n.runtime, b.length + 1, true);
        p.put(0, b, 0, b.length);
        return p;
    }

    private static Optional<String> lastLibbpfWarning() {
        List<String> lines = LibbpfLog.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).trim();
            if (l.startsWith("libbpf:") && !l.contains("BEGIN PROG LOAD LOG") && !l.contains("END PROG LOAD LOG")) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    public String name() {
        return name;
    }

    public List<BpfProgram> programs() {
        return Collections.unmodifiableList(programs);
    }

    public List<BpfMap> maps() {
        return Collections.unmodifiableList(maps);
    }

    public Optional<BpfProgram> program(String progName) {
        return programs.stream().filter(p -> p.name().equals(progName)).findFirst();
    }

    public Optional<BpfMap> map(String mapName) {
        return maps.stream().filter(m -> m.name().equals(mapName)).findFirst();
    }

    /** The object's BTF as raw bytes (after libbpf's fix-ups), or empty if it has none. */
    public Optional<byte[]> rawBtf() {
        Pointer btf = n.bpf.bpf_object__btf(handle());
        if (btf == null) return Optional.empty();
        NativeLongByReference size = new NativeLongByReference();
        Pointer data = n.bpf.btf__raw_data(btf, size);
        if (data == null) return Optional.empty();
        byte[] out = new byte[size.intValue()];
        data.get(0, out, 0, out.length);
        return Optional.of(out);
    }

    /**
     * Loads every program marked for autoload into the kernel. On failure the message names the
     * program that the kernel refused, its section and the reason; the verifier log is the detail.
     */
    public void load() {
        LibbpfLog.clear();
        int rc = n.bpf.bpf_object__load(handle());
        if (rc < 0) {
            List<String> log = LibbpfLog.lines();
            String failed = null;
            for (String line : log) {
                Matcher m = FAILED_PROG.matcher(line);
                if (m.find()) failed = m.group(1);
            }
            if (failed == null) {
                for (BpfProgram p : programs) {
                    if (p.autoload() && p.fd() < 0) { failed = p.name(); break; }
                }
            }
            String reason = n.strerror(-rc);
            String detail = String.join("\n", log);
            if (failed != null) {
                BpfProgram p = program(failed).orElse(null);
                String section = p == null ? "?" : p.sectionName();
                throw new BpfException("program '" + failed + "' (" + section + ") cannot be loaded: " + reason
                        + KernelSupport.explainLoadFailure(section, -rc), detail);
            }
            throw new BpfException("cannot load BPF object '" + name + "': " + reason
                    + lastLibbpfWarning().map(w -> " (" + w + ")").orElse(""), detail);
        }
        loaded = true;
    }

    public boolean loaded() {
        return loaded;
    }

    Pointer handle() {
        if (handle == null) throw new IllegalStateException("BPF object '" + name + "' is closed");
        return handle;
    }

    Native nativeLib() {
        return n;
    }

    @Override
    public void close() {
        if (handle != null) {
            n.bpf.bpf_object__close(handle);
            handle = null;
        }
    }

    @SuppressWarnings("unused")
    private Pointer keepAlive() {
        return elfBuffer;
    }

    static LibBpf bpf() {
        return Native.get().bpf;
    }
}
