// Java side of the perf buffer benchmark: the same object as consumer.c, the same fill (run under
// `taskset -c 0` so every sample lands in CPU 0's buffer), then PerfBufferReader.drain timed with
// a trivial handler. Run through bench/perfbuf/run.sh, which prints the ratio.
import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.perf.PerfBufferReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

public class PerfBench {
    public interface Libc { long getpid(); }

    static long seen, checksum, lost;

    public static void main(String[] args) throws Exception {
        byte[] elf = Files.readAllBytes(Path.of(args[0]));
        int pages = Integer.parseInt(args[1]), triggers = Integer.parseInt(args[2]), rounds = Integer.parseInt(args[3]);
        Libc libc = jnr.ffi.LibraryLoader.create(Libc.class).load("libc.so.6");
        try (BpfObject obj = BpfObject.open(elf, "perfbench", Optional.empty())) {
            BpfMap rodata = obj.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow();
            ByteBuffer ro = rodata.initialValue().orElseThrow();
            ro.putInt(0, (int) ProcessHandle.current().pid());
            ro.putInt(4, 1024);
            rodata.setInitialValue(ro.array());
            obj.load();
            try (BpfLink link = obj.program("trigger").orElseThrow().attach();
                 PerfBufferReader reader = new PerfBufferReader(obj.map("events").orElseThrow(), pages)) {
                RecordHandler handler = new RecordHandler() {
                    @Override
                    public void onRecord(ByteBuffer buf, int off, int len) {
                        seen++;
                        checksum += buf.getLong(off);
                    }

                    @Override
                    public void onLost(long n) {
                        lost += n;
                    }
                };
                long expect = (long) triggers * 1024;
                double best = Double.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    seen = 0;
                    for (int t = 0; t < triggers; t++) libc.getpid();
                    long t0 = System.nanoTime();
                    reader.drain(handler);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    if (seen + lost < expect) throw new IllegalStateException("drained " + seen + " of " + expect);
                    best = Math.min(best, secs);
                }
                System.out.printf("%d %.6f %d%n", seen, best, lost);
            }
        }
        if (checksum == 0xdeadbeefL) System.err.println();
    }
}
