package dev.ebpm.loader.wasm;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to run one WebAssembly guest.
 *
 * @param compiled    translate the module to JVM bytecode (Chicory's compiler) instead of interpreting it
 * @param btf         kernel BTF for CO-RE on kernels without /sys/kernel/btf/vmlinux
 * @param environment the guest's environment variables
 * @param directories guest path -> host directory, preopened for WASI file access
 * @param notes       where the host reports what the guest cannot see (why a load failed, ...)
 * @param verbose     echo libbpf's log and the host's decisions to {@code notes}
 * @param duration    stop the guest after this long (the run then ends with status 0); empty runs it to its end
 */
public record WasmOptions(
        boolean compiled,
        Optional<Path> btf,
        Map<String, String> environment,
        Map<String, Path> directories,
        InputStream stdin,
        OutputStream stdout,
        OutputStream stderr,
        PrintStream notes,
        boolean verbose,
        Optional<Duration> duration) {

    /** Compiled, the process's environment and standard streams, the host's / preopened as /. */
    public static WasmOptions defaults() {
        return new WasmOptions(true, Optional.empty(), System.getenv(), Map.of("/", Path.of("/")),
                InputStream.nullInputStream(), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), System.err, false, Optional.empty());
    }

    public WasmOptions withCompiled(boolean c) {
        return new WasmOptions(c, btf, environment, directories, stdin, stdout, stderr, notes, verbose, duration);
    }

    public WasmOptions withBtf(Optional<Path> b) {
        return new WasmOptions(compiled, b, environment, directories, stdin, stdout, stderr, notes, verbose, duration);
    }

    public WasmOptions withEnvironment(Map<String, String> env) {
        return new WasmOptions(compiled, btf, env, directories, stdin, stdout, stderr, notes, verbose, duration);
    }

    public WasmOptions withStdin(InputStream in) {
        return new WasmOptions(compiled, btf, environment, directories, in, stdout, stderr, notes, verbose, duration);
    }

    public WasmOptions withStdout(OutputStream out) {
        return new WasmOptions(compiled, btf, environment, directories, stdin, out, stderr, notes, verbose, duration);
    }

    public WasmOptions withStderr(OutputStream err) {
        return new WasmOptions(compiled, btf, environment, directories, stdin, stdout, err, notes, verbose, duration);
    }

    public WasmOptions withNotes(PrintStream n) {
        return new WasmOptions(compiled, btf, environment, directories, stdin, stdout, stderr, n, verbose, duration);
    }

    public WasmOptions withDuration(Optional<Duration> d) {
        return new WasmOptions(compiled, btf, environment, directories, stdin, stdout, stderr, notes, verbose, d);
    }

    public WasmOptions withVerbose(boolean v) {
        return new WasmOptions(compiled, btf, environment, directories, stdin, stdout, stderr, notes, v, duration);
    }
}
