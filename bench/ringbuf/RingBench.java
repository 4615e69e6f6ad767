// Java side of the ring buffer benchmark: loads the same object as consumer.c, lets one getpid()
// fill the ring buffer, then times RingBufferReader.drain with a trivial handler. Run through
// bench/ringbuf/run.sh, which compiles both sides and prints the ratio.
import dev.ebpm.loader.BpfLink;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

public class RingBench {
    public interface Libc { long getpid(); }

    static long seen, checksum;

    public static void main(String[] args) throws Exception {
        byte[] elf = Files.readAllBytes(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String mode = args.length > 3 ? args[3] : "drain";
        Libc libc = jnr.ffi.LibraryLoader.create(Libc.class).load("libc.so.6");
        try (BpfObject obj = BpfObject.open(elf, "ringbench", Optional.empty())) {
            BpfMap rodata = obj.maps().stream().filter(m -> m.name().endsWith(".rodata")).findFirst().orElseThrow();
            ByteBuffer ro = rodata.initialValue().orElseThrow();
            ro.putInt(0, (int) ProcessHandle.current().pid());
            ro.putInt(4, mode.equals("live") ? 1000 : count);
            rodata.setInitialValue(ro.array());
            obj.load();
            try (BpfLink link = obj.program("trigger").orElseThrow().attach();
                 RingBufferReader reader = new RingBufferReader(obj.map("events").orElseThrow())) {
                RecordHandler handler = (buf, off, len) -> { seen++; checksum += buf.getLong(off); };
                if (mode.equals("live")) {
                    live(libc, reader, handler, count, obj.map("dropped").orElseThrow());
                    return;
                }
                double best = Double.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    seen = 0;
                    libc.getpid(); // fill: the BPF program emits `count` events now
                    long t0 = System.nanoTime();
                    while (seen < count) {
                        if (reader.drain(handler) == 0) break;
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    if (seen != count) throw new IllegalStateException("drained " + seen + " of " + count);
                    best = Math.min(best, secs);
                }
                System.out.printf("%d %.6f%n", count, best);
            }
        }
        if (checksum == 0xdeadbeefL) System.err.println();
    }

    // The producer runs in this process's other thread (each getpid emits 1000 events) while the
    // main thread drains; drops are counted by the BPF program when the buffer is full.
    static void live(Libc libc, RingBufferReader reader, RecordHandler handler, int count, BpfMap dropped) throws Exception {
        int triggers = count / 1000;
        Thread producer = new Thread(() -> { for (int i = 0; i < triggers; i++) libc.getpid(); });
        seen = 0;
        long t0 = System.nanoTime();
        producer.start();
        while (producer.isAlive()) reader.drain(handler);
        reader.drain(handler);
        double secs = (System.nanoTime() - t0) / 1e9;
        byte[] v = new byte[8];
        dropped.lookup(new byte[4], v);
        long drops = ByteBuffer.wrap(v).order(java.nio.ByteOrder.nativeOrder()).getLong();
        System.out.printf("%d %.6f %d%n", seen, secs, drops);
    }
}
