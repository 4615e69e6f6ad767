package dev.ebpm.loader.wasm;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Import;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.internal.LibbpfLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a WebAssembly program that drives eBPF through the {@code wasm_bpf} host ABI (eunomia-bpf's
 * wasm-bpf, as {@code ecli run app.wasm} does), on Chicory: WASI preview 1 for its I/O, the
 * {@link BpfHostModule} for the kernel. Every BPF object the guest loaded is closed when the run
 * ends, however it ends. One runner runs one guest; {@link #stop()} may come from any thread.
 */
public final class WasmRunner {
    /** Exit code of a run ended by {@link #stop()}, as a shell reports SIGINT. */
    public static final int EXIT_STOPPED = 130;
    static final String WASI_MODULE = "wasi_snapshot_preview1";

    private Thread thread;
    private BpfHostModule host;
    private volatile boolean stopping;
    private volatile boolean timeUp; // the stop came from opts.duration, not from the user
    private volatile long compileMillis = -1;

    /** Thrown through guest code to unwind it after {@link #stop()}. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /**
     * Runs the guest's {@code _start} to its end.
     *
     * @param name the module's path or name: the guest's argv[0], and the BPF objects' name
     * @param args the guest's arguments after argv[0]
     * @return the guest's exit status (proc_exit or 0 when _start returns), or {@link #EXIT_STOPPED}
     * @throws WasmException when the guest is malformed, traps or breaks the host ABI
     */
    public int run(byte[] wasm, String name, List<String> args, WasmOptions opts) {
        synchronized (this) {
            if (thread != null) throw new IllegalStateException("this WasmRunner is already running a guest");
            thread = Thread.currentThread();
        }
        BpfHostModule bpf = new BpfHostModule(objectName(name), opts);
        synchronized (this) {
            host = bpf;
        }
        if (opts.verbose()) LibbpfLog.echo(LibbpfLog.DEBUG);
        Thread timer = null;
        try (WasiPreview1 wasi = wasi(name, args, opts)) {
            if (stopping) return EXIT_STOPPED;
            WasmModule module = parse(wasm, name);
            checkImports(module);
            Instance instance = instantiate(module, wasi, bpf, opts);
            ExportFunction start;
            try {
                start = instance.export("_start");
            } catch (RuntimeException e) {
                throw new WasmException(name + " has no _start function: build it as a WASI command (a main())");
            }
            // the guest's time starts now, not while the module is compiled
            timer = opts.duration().map(this::stopAfter).orElse(null);
            int status = execute(start, name);
            return timeUp && status == EXIT_STOPPED ? 0 : status;
        } finally {
            if (timer != null) timer.interrupt();
            try {
                bpf.close();
            } finally {
                synchronized (this) {
                    thread = null;
                    host = null;
                    Thread.interrupted(); // a stop() that raced with the end must not leak to the caller
                }
            }
        }
    }

    private int execute(ExportFunction start, String name) {
        try {
            start.apply();
            return 0;
        } catch (WasiExitException e) {
            return e.exitCode();
        } catch (Stopped e) {
            return EXIT_STOPPED;
        } catch (WasmException e) {
            throw e;
        } catch (BpfException e) {
            if (stopping) return EXIT_STOPPED;
            throw e;
        } catch (ChicoryInterruptedException e) {
            if (stopping) return EXIT_STOPPED;
            throw new WasmException(name + " was interrupted");
        } catch (ChicoryException e) {
            // Chicory's WASI sleep reports an interrupt as a plain ChicoryException
            if (stopping) return EXIT_STOPPED;
            throw new WasmException(name + " trapped: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new WasmException(name + " exhausted the stack");
        } catch (RuntimeException e) {
            if (stopping) return EXIT_STOPPED;
            throw new WasmException(name + " failed in the host: " + e);
        }
    }

    /** Asks the running guest to end: wakes a poll, interrupts a sleep or a busy loop. Any thread. */
    public void stop() {
        stopping = true;
        synchronized (this) {
            if (host != null) host.stop();
            if (thread != null) thread.interrupt();
        }
    }

    /** A timer that stops the guest when {@code duration} is up, as --duration ends an eBPF run. */
    private Thread stopAfter(java.time.Duration duration) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException ended) {
                return;
            }
            timeUp = true;
            stop();
        }, "ebpm-wasm-duration");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Milliseconds the last compiled run spent translating the module to bytecode; -1 if interpreted. */
    public long compileMillis() {
        return compileMillis;
    }

    private static String objectName(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (base.endsWith(".wasm")) base = base.substring(0, base.length() - 5);
        base = base.replaceAll("[^A-Za-z0-9_]", "_");
        return base.isEmpty() ? "wasm" : base;
    }

    private static WasiPreview1 wasi(String name, List<String> args, WasmOptions opts) {
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(args);
        WasiOptions.Builder b = WasiOptions.builder()
                .withArguments(argv)
                .withStdin(opts.stdin())
                .withStdout(opts.stdout())
                .withStderr(opts.stderr());
        for (Map.Entry<String, String> e : opts.environment().entrySet()) b.withEnvironment(e.getKey(), e.getValue());
        for (var d : opts.directories().entrySet()) b.withDirectory(d.getKey(), d.getValue());
        return WasiPreview1.builder().withOptions(b.build()).build();
    }

    private static WasmModule parse(byte[] wasm, String name) {
        try {
            return Parser.parse(wasm);
        } catch (ChicoryException | IllegalArgumentException e) {
            throw new WasmException(name + " is not a valid WebAssembly module: " + e.getMessage());
        }
    }

    private static void checkImports(WasmModule module) {
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.module().equals(WASI_MODULE) || BpfHostModule.provides(imp.module())) continue;
            throw new WasmException("the guest imports " + imp.module() + "." + imp.name()
                    + ", which ebpm does not provide (it provides " + WASI_MODULE + " and wasm_bpf)");
        }
    }

    private Instance instantiate(WasmModule module, WasiPreview1 wasi, BpfHostModule bpf, WasmOptions opts) {
        ImportValues imports = ImportValues.builder()
                .addFunction(wasi.toHostFunctions())
                .addFunction(bpf.functions(module).toArray(new HostFunction[0]))
                .build();
        Function<Instance, Machine> machine;
        if (opts.compiled()) {
            long t0 = System.nanoTime();
            machine = MachineFactoryCompiler.compile(module);
            compileMillis = (System.nanoTime() - t0) / 1_000_000;
            if (opts.verbose()) opts.notes().println("ebpm: compiled the module to JVM bytecode in " + compileMillis + " ms");
        } else {
            machine = InterpreterMachine::new;
            compileMillis = -1;
        }
        try {
            return Instance.builder(module).withImportValues(imports).withMachineFactory(machine).withStart(false).build();
        } catch (WasmException e) {
            throw e;
        } catch (ChicoryException e) {
            throw new WasmException("cannot instantiate the guest: " + e.getMessage());
        }
    }
}
