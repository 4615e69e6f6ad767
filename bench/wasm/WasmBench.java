// Host side of the WASM benchmark: runs bench/wasm/guest.wasm in ebpm's WasmRunner (compiled or
// interpreted) and fills the ring buffer with one getpid() each time the guest prints "fill".
// Prints the guest's "<events> <seconds>" and the compile time. Run through bench/wasm/run.sh.
import dev.ebpm.loader.wasm.WasmOptions;
import dev.ebpm.loader.wasm.WasmRunner;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

public class WasmBench {
    public interface Libc { long getpid(); }

    public static void main(String[] args) throws Exception {
        byte[] wasm = Files.readAllBytes(Path.of(args[0]));
        String count = args[1], rounds = args[2];
        boolean compiled = args[3].equals("compiled");
        Libc libc = jnr.ffi.LibraryLoader.create(Libc.class).load("libc.so.6");
        StringBuilder result = new StringBuilder();
        OutputStream stdout = new OutputStream() {
            final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b != '\n') {
                    line.write(b);
                    return;
                }
                String l = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (l.equals("fill")) libc.getpid(); // the BPF program emits COUNT events now
                else result.append(l);
            }
        };
        WasmRunner runner = new WasmRunner();
        String pid = Long.toString(ProcessHandle.current().pid());
        int rc = runner.run(wasm, "guest.wasm", List.of(pid, count, rounds),
                WasmOptions.defaults().withCompiled(compiled).withStdout(stdout));
        if (rc != 0) throw new IllegalStateException("guest exited with " + rc);
        System.out.println(result + " " + Math.max(0, runner.compileMillis()));
    }
}
