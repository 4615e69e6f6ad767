package dev.ebpm.loader.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.BpfProgram;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host module {@code wasm_bpf} of eunomia-bpf's wasm-bpf, over ebpm's loader: load, attach,
 * poll and map calls from a WebAssembly guest. Values the guest passes are checked (pointers
 * against its memory, handles and fds against what it loaded); a bad one ends the run with a
 * {@link WasmException}. Failures the ABI reports (a load the kernel refuses, a missing key) are
 * returned as 0 or a negative errno, as wasm-bpf does.
 */
final class BpfHostModule implements AutoCloseable {
    static final String MODULE = "wasm_bpf";
    static final String WRAPPER_MODULE = "callback-wrapper";
    static final String GO_CALLBACK = "go-callback";
    static final String TABLE_EXPORT = "__indirect_function_table";

    private static final int ENOENT = 2, EINVAL = 22;
    private static final int CMD_LOOKUP = 1, CMD_UPDATE = 2, CMD_DELETE = 3, CMD_NEXT_KEY = 4;
    private static final ValType I32 = ValType.I32, I64 = ValType.I64;
    /** int fn(void *ctx, void *data, size_t size) on wasm32. */
    static final FunctionType SAMPLE_FN = FunctionType.of(List.of(I32, I32, I32), List.of(I32));

    private final String objectName;
    private final WasmOptions options;
    private final Map<Long, GuestObject> objects = new LinkedHashMap<>();
    private long nextHandle = 1;
    private volatile boolean stopping;
    private boolean polling; // guest thread only: a callback may not re-enter a poll or close what is polled

    BpfHostModule(String objectName, WasmOptions options) {
        this.objectName = objectName;
        this.options = options;
    }

    /** A host call: arguments as the guest declared them, one i32 or i64 result. */
    private interface Call {
        long apply(Instance instance, Args args);
    }

    private record Spec(String module, String name, FunctionType type, Call call) {}

    private List<Spec> specs() {
        return List.of(
                new Spec(MODULE, "wasm_load_bpf_object", FunctionType.of(List.of(I32, I32), List.of(I64)),
                        (inst, a) -> load(inst, a.ptr(0), a.i32(1))),
                new Spec(MODULE, "wasm_close_bpf_object", FunctionType.of(List.of(I64), List.of(I32)),
                        (inst, a) -> close(a.i64(0))),
                new Spec(MODULE, "wasm_attach_bpf_program", FunctionType.of(List.of(I64, I32, I32), List.of(I32)),
                        (inst, a) -> attach(inst, a.i64(0), a.ptr(1), a.ptr(2))),
                new Spec(MODULE, "wasm_bpf_map_fd_by_name", FunctionType.of(List.of(I64, I32), List.of(I32)),
                        (inst, a) -> mapFdByName(inst, a.i64(0), a.ptr(1))),
                new Spec(MODULE, "wasm_bpf_map_operate", FunctionType.of(List.of(I32, I32, I32, I32, I32, I64), List.of(I32)),
                        (inst, a) -> mapOperate(inst, a.i32(0), a.i32(1), a.ptr(2), a.ptr(3), a.ptr(4), a.i64(5))),
                new Spec(MODULE, "wasm_bpf_buffer_poll", FunctionType.of(List.of(I64, I32, I32, I32, I32, I32, I32), List.of(I32)),
                        (inst, a) -> bufferPoll(inst, a.i64(0), a.i32(1), indirect(inst, a.i32(2), "wasm_bpf_buffer_poll"),
                                a.ptr(3), a.ptr(4), a.i32(5), a.i32(6), "wasm_bpf_buffer_poll")),
                new Spec(WRAPPER_MODULE, "wasm_bpf_buffer_poll", FunctionType.of(List.of(I64, I32, I32, I32, I32, I32), List.of(I32)),
                        (inst, a) -> bufferPoll(inst, a.i64(0), a.i32(1), exported(inst, WRAPPER_MODULE + ".wasm_bpf_buffer_poll"),
                                a.ptr(2), a.ptr(3), a.i32(4), a.i32(5), WRAPPER_MODULE + ".wasm_bpf_buffer_poll")));
    }

    static boolean provides(String module) {
        return MODULE.equals(module) || WRAPPER_MODULE.equals(module);
    }

    /**
     * Host functions for the {@code wasm_bpf} and {@code callback-wrapper} imports the module
     * declares. A declared type may differ from the ABI's only in i32 against i64 (wasm-bpf's Go
     * SDK declares map_operate's pointers as int64); anything else is refused before the guest runs.
     */
    List<HostFunction> functions(WasmModule module) {
        List<Spec> specs = specs();
        List<HostFunction> out = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (!provides(imp.module())) continue;
            String what = imp.module() + "." + imp.name();
            Spec spec = specs.stream().filter(s -> s.module.equals(imp.module()) && s.name.equals(imp.name())).findFirst()
                    .orElseThrow(() -> new WasmException("the guest imports " + what + ", which the wasm_bpf ABI does not have"));
            if (!(imp instanceof FunctionImport fi)) throw new WasmException("the guest imports " + what + " as a " + imp.importType() + ", not a function");
            FunctionType declared = module.typeSection().getType(fi.typeIndex());
            if (!compatible(declared, spec.type)) {
                throw new WasmException("the guest imports " + what + " as " + signature(declared) + "; the wasm_bpf ABI has "
                        + signature(spec.type));
            }
            List<ValType> params = declared.params();
            boolean i64Result = declared.returns().get(0).equals(I64);
            out.add(new HostFunction(imp.module(), imp.name(), declared, (inst, args) -> {
                long r = spec.call.apply(inst, new Args(args, params));
                return new long[] {i64Result ? r : (long) (int) r};
            }));
        }
        return out;
    }

    /** WebAssembly text style: {@code (i32, i32, i32) -> i32}. */
    static String signature(FunctionType t) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < t.params().size(); i++) sb.append(i == 0 ? "" : ", ").append(t.params().get(i).toString().toLowerCase(java.util.Locale.ROOT));
        sb.append(") -> ");
        if (t.returns().size() == 1) return sb.append(t.returns().get(0).toString().toLowerCase(java.util.Locale.ROOT)).toString();
        sb.append('(');
        for (int i = 0; i < t.returns().size(); i++) sb.append(i == 0 ? "" : ", ").append(t.returns().get(i).toString().toLowerCase(java.util.Locale.ROOT));
        return sb.append(')').toString();
    }

    private static boolean compatible(FunctionType declared, FunctionType abi) {
        if (declared.params().size() != abi.params().size() || declared.returns().size() != 1) return false;
        for (ValType t : declared.params()) if (!t.equals(I32) && !t.equals(I64)) return false;
        ValType r = declared.returns().get(0);
        return r.equals(I32) || r.equals(I64);
    }

    /** Arguments by position; a pointer is unsigned whether the guest declared it i32 or i64. */
    private record Args(long[] values, List<ValType> types) {
        int i32(int i) {
            return (int) values[i];
        }

        long i64(int i) {
            return values[i];
        }

        long ptr(int i) {
            return types.get(i).equals(I32) ? values[i] & 0xffffffffL : values[i];
        }
    }

    // ---- objects

    private GuestObject object(long handle, String call) {
        synchronized (objects) {
            GuestObject o = objects.get(handle);
            if (o == null) throw new WasmException(call + ": " + handle + " is not a BPF object handle of this guest");
            return o;
        }
    }

    private long load(Instance inst, long ptr, int length) {
        String call = "wasm_load_bpf_object";
        checkStop();
        if (length <= 0) {
            note(call + ": object size " + length + " is not positive");
            return 0;
        }
        byte[] elf = GuestMemory.of(inst, call).read(ptr, length, "object buffer", call);
        if (options.btf().isEmpty() && !KernelSupport.hasKernelBtf()) {
            note(call + ": this kernel has no BTF at " + KernelSupport.VMLINUX_BTF + "; pass --btf FILE for CO-RE objects");
        }
        BpfObject obj = null;
        try {
            obj = BpfObject.open(elf, objectName, options.btf());
            obj.load();
        } catch (BpfException e) {
            if (obj != null) obj.close();
            note(call + ": " + e.getMessage());
            if (options.verbose() && e.detail() != null) options.notes().println(e.detail());
            return 0;
        }
        synchronized (objects) {
            long h = nextHandle++;
            objects.put(h, new GuestObject(h, obj));
            return h;
        }
    }

    private int close(long handle) {
        GuestObject o;
        synchronized (objects) {
            o = objects.remove(handle);
        }
        if (o == null) throw new WasmException("wasm_close_bpf_object: " + handle + " is not a BPF object handle of this guest");
        if (polling) {
            // the reader being drained would be unmapped under the drain
            synchronized (objects) {
                objects.put(handle, o);
            }
            throw new WasmException("wasm_close_bpf_object: called from a poll callback; close the object after the poll returns");
        }
        o.close();
        return 0;
    }

    private int attach(Instance inst, long handle, long namePtr, long targetPtr) {
        String call = "wasm_attach_bpf_program";
        checkStop();
        GuestObject o = object(handle, call);
        GuestMemory mem = GuestMemory.of(inst, call);
        String name = mem.cString(namePtr, "program name", call);
        String target = targetPtr == 0 ? "" : mem.cString(targetPtr, "attach target", call);
        Optional<BpfProgram> prog = o.object.program(name);
        if (prog.isEmpty()) {
            note(call + ": the BPF object has no program '" + name + "'");
            return -ENOENT;
        }
        BpfProgram p = prog.get();
        String section = p.sectionName();
        String kind = KernelSupport.attachKind(section);
        try {
            BpfLink link;
            if (!target.isEmpty() && (section.startsWith("sockops") || section.startsWith("cgroup"))) {
                link = p.attachCgroup(Path.of(target));
            } else if (!target.isEmpty() && kind.equals("xdp")) {
                link = p.attachXdp(KernelSupport.ifindex(target), target);
            } else {
                if (kind.equals("tracepoint")) KernelSupport.ensureTracefs().ifPresent(this::verboseNote);
                link = p.attach();
            }
            o.links.add(link);
            verboseNote("attached " + link.description());
            return 0;
        } catch (BpfException e) {
            note(call + ": " + e.getMessage());
            return e.errno() > 0 ? -e.errno() : -EINVAL;
        }
    }

    private int mapFdByName(Instance inst, long handle, long namePtr) {
        String call = "wasm_bpf_map_fd_by_name";
        GuestObject o = object(handle, call);
        String name = GuestMemory.of(inst, call).cString(namePtr, "map name", call);
        return o.object.map(name).map(BpfMap::fd).orElse(-ENOENT);
    }

    // ---- maps

    private BpfMap mapOfGuest(int fd, String call) {
        synchronized (objects) {
            for (GuestObject o : objects.values()) {
                Optional<BpfMap> m = o.mapByFd(fd);
                if (m.isPresent()) return m.get();
            }
        }
        throw new WasmException(call + ": fd " + fd + " is not a map of a BPF object this guest loaded");
    }

    /** As wasm-bpf: libbpf's element calls, returning 0 or a negative errno. */
    private int mapOperate(Instance inst, int fd, int cmd, long key, long value, long nextKey, long flags) {
        String call = "wasm_bpf_map_operate";
        checkStop();
        BpfMap m = mapOfGuest(fd, call);
        GuestMemory mem = GuestMemory.of(inst, call);
        int ks = m.keySize();
        try {
            switch (cmd) {
                case CMD_LOOKUP -> {
                    byte[] k = mem.read(key, ks, "key", call);
                    byte[] v = new byte[m.valueBufferSize()];
                    mem.check(value, v.length, "value buffer", call);
                    if (!m.lookup(k, v, flags)) return -ENOENT;
                    mem.write(value, v, 0, v.length, "value buffer", call);
                    return 0;
                }
                case CMD_UPDATE -> {
                    m.update(mem.read(key, ks, "key", call), mem.read(value, m.valueBufferSize(), "value", call), flags);
                    return 0;
                }
                case CMD_DELETE -> {
                    return m.delete(mem.read(key, ks, "key", call), flags) ? 0 : -ENOENT;
                }
                case CMD_NEXT_KEY -> {
                    // key NULL (0) asks for the first key, as in libbpf
                    byte[] k = key == 0 ? null : mem.read(key, ks, "key", call);
                    byte[] next = new byte[ks];
                    mem.check(nextKey, ks, "next_key buffer", call);
                    if (!m.nextKey(k, next)) return -ENOENT;
                    mem.write(nextKey, next, 0, ks, "next_key buffer", call);
                    return 0;
                }
                default -> {
                    return -EINVAL;
                }
            }
        } catch (WasmException e) {
            throw e; // the guest broke the ABI (a pointer outside its memory): that ends the run
        } catch (BpfException e) {
            return e.errno() > 0 ? -e.errno() : -EINVAL;
        }
    }

    // ---- buffers and callbacks

    /** The guest function that receives records: int fn(void *ctx, void *data, size_t size). */
    private interface Callback {
        int call(long ctx, long data, int size);
    }

    /** A function pointer of the guest: an index into its exported function table. */
    private Callback indirect(Instance inst, int tableIndex, String call) {
        Export tableExport = export(inst, TABLE_EXPORT, ExternalType.TABLE);
        if (tableExport == null) {
            throw new WasmException(call + ": the guest does not export its function table " + TABLE_EXPORT
                    + " (link it with -Wl,--export-table)");
        }
        TableInstance table = inst.table(tableExport.index());
        if (tableIndex < 0 || tableIndex >= table.size()) {
            throw new WasmException(call + ": sample_func " + tableIndex + " is not an entry of the guest's function table (size "
                    + table.size() + ")");
        }
        int function = table.ref(tableIndex);
        if (function < 0) throw new WasmException(call + ": sample_func " + tableIndex + " is a null function table entry");
        FunctionType type = inst.type(inst.functionType(function));
        if (!type.equals(SAMPLE_FN)) {
            throw new WasmException(call + ": sample_func " + tableIndex + " has type " + signature(type) + ", not "
                    + signature(SAMPLE_FN) + " (int fn(void *ctx, void *data, size_t size))");
        }
        String what = "callback (function table entry " + tableIndex + ")";
        return (ctx, data, size) -> {
            long[] r = guard(what, () -> inst.getMachine().call(function, new long[] {(int) ctx, (int) data, size}));
            return (int) r[0];
        };
    }

    /** The callback a Go guest exports under a fixed name. */
    private Callback exported(Instance inst, String call) {
        Export e = export(inst, GO_CALLBACK, ExternalType.FUNCTION);
        if (e == null) throw new WasmException(call + ": the guest does not export the function " + GO_CALLBACK);
        FunctionType type = inst.exportType(GO_CALLBACK);
        if (!type.equals(SAMPLE_FN)) {
            throw new WasmException(call + ": " + GO_CALLBACK + " has type " + signature(type) + ", not " + signature(SAMPLE_FN));
        }
        ExportFunction f = inst.export(GO_CALLBACK);
        return (ctx, data, size) -> (int) guard(GO_CALLBACK, () -> f.apply((int) ctx, (int) data, size))[0];
    }

    private static Export export(Instance inst, String name, ExternalType type) {
        var exports = inst.module().exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export e = exports.getExport(i);
            if (e.name().equals(name) && e.exportType() == type) return e;
        }
        return null;
    }

    private interface GuestCall {
        long[] run();
    }

    /** Runs guest code; its trap becomes a one-line error, a stop or proc_exit passes through. */
    private long[] guard(String what, GuestCall c) {
        try {
            return c.run();
        } catch (WasmException | WasiExitException | WasmRunner.Stopped e) {
            throw e;
        } catch (ChicoryInterruptedException e) {
            if (stopping) throw new WasmRunner.Stopped();
            throw new WasmException(what + " was interrupted");
        } catch (ChicoryException e) {
            if (stopping) throw new WasmRunner.Stopped();
            throw new WasmException(what + " trapped: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new WasmException(what + " exhausted the stack");
        } catch (BpfException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WasmException(what + " failed: " + e);
        }
    }

    private int bufferPoll(Instance inst, long handle, int fd, Callback callback, long ctx, long data, int maxSize,
            int timeoutMs, String call) {
        checkStop();
        if (polling) throw new WasmException(call + ": called from a poll callback; poll again after it returns");
        polling = true;
        try {
            return poll(inst, handle, fd, callback, ctx, data, maxSize, timeoutMs, call);
        } finally {
            polling = false;
        }
    }

    private int poll(Instance inst, long handle, int fd, Callback callback, long ctx, long data, int maxSize,
            int timeoutMs, String call) {
        GuestObject o = object(handle, call);
        if (maxSize <= 0) throw new WasmException(call + ": max_size " + maxSize + " is not positive");
        GuestMemory mem = GuestMemory.of(inst, call);
        mem.check(data, maxSize, "data buffer", call);
        BpfMap map = o.mapByFd(fd).orElseThrow(() ->
                new WasmException(call + ": fd " + fd + " is not a map of BPF object " + handle));
        EventBuffer buffer = o.buffers.get(fd);
        if (buffer == null) {
            if (!EventBuffer.supports(map)) {
                note(call + ": map '" + map.name() + "' is neither a ring buffer nor a perf event array");
                return -EINVAL;
            }
            buffer = EventBuffer.open(map);
            o.buffers.put(fd, buffer);
            if (stopping) buffer.wake();
        }
        Delivery d = new Delivery(mem, callback, ctx, data, maxSize, call);
        int n = buffer.drain(d);
        if (n == 0 && timeoutMs != 0) {
            buffer.await(timeoutMs);
            checkStop();
            buffer.drain(d);
        }
        checkStop();
        return d.result;
    }

    /** Copies each record into the guest's buffer and calls the guest; stops on a negative result. */
    private final class Delivery implements RingBufferReader.StoppableHandler {
        private final GuestMemory mem;
        private final Callback callback;
        private final long ctx;
        private final long data;
        private final int maxSize;
        private final String call;
        private final byte[] scratch;
        int result;

        Delivery(GuestMemory mem, Callback callback, long ctx, long data, int maxSize, String call) {
            this.mem = mem;
            this.callback = callback;
            this.ctx = ctx;
            this.data = data;
            this.maxSize = maxSize;
            this.call = call;
            this.scratch = new byte[Math.min(maxSize, 1 << 16)];
        }

        @Override
        public boolean onRecord(ByteBuffer buffer, int offset, int length) {
            int n = Math.min(length, maxSize);
            byte[] b = n <= scratch.length ? scratch : new byte[n];
            buffer.get(offset, b, 0, n);
            mem.write(data, b, 0, n, "data buffer", call);
            int rc = callback.call(ctx, data, n);
            if (stopping) throw new WasmRunner.Stopped();
            if (rc < 0) {
                result = rc;
                return false;
            }
            return true;
        }
    }

    // ---- lifecycle

    private void checkStop() {
        if (stopping) throw new WasmRunner.Stopped();
    }

    /** From any thread: polls return and further host calls end the run. */
    void stop() {
        stopping = true;
        List<GuestObject> os;
        synchronized (objects) {
            os = List.copyOf(objects.values());
        }
        for (GuestObject o : os) o.wakeAll();
    }

    private void note(String message) {
        options.notes().println("ebpm: " + message);
    }

    private void verboseNote(String message) {
        if (options.verbose()) note(message);
    }

    /** Closes every object the guest left open, newest first. */
    @Override
    public void close() {
        List<GuestObject> os;
        synchronized (objects) {
            os = new ArrayList<>(objects.values());
            objects.clear();
        }
        RuntimeException first = null;
        for (int i = os.size() - 1; i >= 0; i--) {
            try {
                os.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
