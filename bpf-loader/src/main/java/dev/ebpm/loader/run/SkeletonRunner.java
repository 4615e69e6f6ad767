package dev.ebpm.loader.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.BpfMap;
import dev.ebpm.loader.BpfObject;
import dev.ebpm.loader.BpfProgram;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.RecordHandler;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.event.BtfLayouts;
import dev.ebpm.loader.event.EventFormatter;
import dev.ebpm.loader.event.EventLayout;
import dev.ebpm.loader.event.Field;
import dev.ebpm.loader.event.TextSink;
import dev.ebpm.loader.internal.Epoll;
import dev.ebpm.loader.internal.LibbpfLog;
import dev.ebpm.loader.link.BpfLink;
import dev.ebpm.loader.link.TcLink;
import dev.ebpm.loader.perf.PerfBufferReader;
import dev.ebpm.loader.ringbuf.RingBufferReader;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an eunomia package as ecli does: open the object, fill data-section variables, load,
 * attach every program, then poll its ring/perf buffers and sampled maps, printing events until
 * stopped. Everything it acquires is released by {@link #close()}, in reverse order.
 */
public final class SkeletonRunner implements AutoCloseable {
    private final String name;
    private final EunomiaPackage pkg;
    private final RunOptions options;
    private final PrintStream notes;
    private BpfObject object;
    private Optional<Btf> btf = Optional.empty();
    private final List<BpfLink> links = new ArrayList<>();
    private final List<RingBufferReader> ringBuffers = new ArrayList<>();
    private final List<PerfBufferReader> perfBuffers = new ArrayList<>();
    private final List<HistogramPrinter> histograms = new ArrayList<>();
    private Epoll epoll;
    private EventFormatter formatter;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean stopping;

    private SkeletonRunner(String name, EunomiaPackage pkg, RunOptions options, PrintStream notes) {
        this.name = name;
        this.pkg = pkg;
        this.options = options;
        this.notes = notes;
    }

    /** Opens, loads and attaches; on any failure releases what it took and rethrows. */
    public static SkeletonRunner start(PackageReader.Decoded decoded, String name, RunOptions options, PrintStream notes) {
        SkeletonRunner r = new SkeletonRunner(name, decoded.pkg(), options, notes);
        try {
            r.open(decoded.elf());
            r.load();
            r.attach();
            r.openBuffers();
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void open(byte[] elf) {
        if (options.verbose() || Boolean.TRUE.equals(pkg.meta.debugVerbose)) LibbpfLog.echo(LibbpfLog.DEBUG);
        if (options.btf().isEmpty() && !KernelSupport.hasKernelBtf()) {
            throw new BpfException("this kernel has no BTF at " + KernelSupport.VMLINUX_BTF
                    + "; CO-RE programs need it: pass --btf FILE (or set BTF_FILE_PATH) with a BTF file for this kernel");
        }
        options.btf().ifPresent(SkeletonRunner::checkBtfFile);
        String objName = pkg.meta.bpfSkel.objName != null ? pkg.meta.bpfSkel.objName : name;
        object = BpfObject.open(elf, objName, options.btf());
        btf = object.rawBtf().map(Btf::parse);
        applyVariables();
    }

    /** libbpf reads a custom BTF only if a relocation needs it; check it up front so a typo never passes silently. */
    private static void checkBtfFile(java.nio.file.Path file) {
        byte[] head = new byte[2];
        try (var in = java.nio.file.Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 2) < 2) throw new BpfException("BTF file " + file + " is empty");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BpfException("BTF file " + file + " does not exist (from --btf or BTF_FILE_PATH)");
        } catch (java.io.IOException e) {
            throw new BpfException("cannot read BTF file " + file + ": " + e.getMessage());
        }
        int magic = (head[0] & 0xff) | (head[1] & 0xff) << 8;
        if (magic != 0xEB9F && magic != 0x9FEB) throw new BpfException(file + " is not a BTF file (bad magic)");
    }

    private void applyVariables() {
        List<EunomiaPackage.DataSection> sections = pkg.meta.bpfSkel.dataSections == null ? List.of() : pkg.meta.bpfSkel.dataSections;
        java.util.Set<String> known = new java.util.HashSet<>();
        for (EunomiaPackage.DataSection section : sections) {
            if (section.variables == null) continue;
            ByteBuffer data = null;
            for (EunomiaPackage.Variable v : section.variables) {
                known.add(v.name);
                String given = options.variables().get(v.name);
                JsonNode initial = v.value;
                if (given == null && (initial == null || initial.isNull())) continue;
                if (data == null) data = sectionData(section.name);
                Field f = variableField(section.name, v);
                VariableWriter.write(data, f, given != null ? given : VariableWriter.text(initial), v.name);
            }
        }
        for (String given : options.variables().keySet()) {
            if (!known.contains(given)) throw new BpfException(name + " has no variable '" + given + "'");
        }
    }

    private ByteBuffer sectionData(String section) {
        for (BpfMap m : object.maps()) {
            if (m.isInternal() && m.name().endsWith(section)) {
                return m.initialValue().orElseThrow(() -> new BpfException("section " + section + " of " + name + " is not writable"));
            }
        }
        throw new BpfException(name + ": data section " + section + " named in package.json is not in the BPF object");
    }

    private Field variableField(String section, EunomiaPackage.Variable v) {
        if (btf.isPresent()) {
            Optional<BtfLayouts.SectionVariable> sv = BtfLayouts.sectionVariable(btf.get(), section, v.name);
            if (sv.isPresent()) return sv.get().field();
        }
        if (v.offset == null) {
            throw new BpfException(name + ": variable '" + v.name + "' has no offset and the object's BTF does not describe " + section);
        }
        EunomiaPackage.ExportType one = new EunomiaPackage.ExportType();
        EunomiaPackage.Member m = new EunomiaPackage.Member();
        m.name = v.name;
        m.type = v.type;
        m.offset = v.offset;
        one.name = section;
        one.members.add(m);
        return BtfLayouts.exportType(one, Optional.empty()).fields().get(0);
    }

    private void load() {
        List<EunomiaPackage.Prog> progs = pkg.meta.bpfSkel.progs;
        if (progs != null && !progs.isEmpty()) {
            for (EunomiaPackage.Prog p : progs) {
                if (p.name != null && object.program(p.name).isEmpty()) {
                    throw new BpfException(name + ": program '" + p.name + "' named in package.json is not in the BPF object");
                }
            }
        }
        object.load();
    }

    private EunomiaPackage.Prog progMeta(String progName) {
        if (pkg.meta.bpfSkel.progs == null) return null;
        for (EunomiaPackage.Prog p : pkg.meta.bpfSkel.progs) if (progName.equals(p.name)) return p;
        return null;
    }

    private void attach() {
        for (BpfProgram p : object.programs()) {
            EunomiaPackage.Prog meta = progMeta(p.name());
            if (meta != null && Boolean.FALSE.equals(meta.link)) continue;
            if (!p.autoload()) continue;
            String section = meta != null && meta.attach != null ? meta.attach : p.sectionName();
            String kind = KernelSupport.attachKind(section);
            switch (kind) {
                case "tracepoint" -> {
                    KernelSupport.ensureTracefs().ifPresent(this::note);
                    links.add(p.attach());
                }
                case "uprobe" -> links.add(attachUprobe(p, section));
                case "xdp" -> {
                    String ifname = interfaceFor(p, meta == null ? null : meta.ifindex);
                    links.add(p.attachXdp(KernelSupport.ifindex(ifname), ifname));
                }
                case "tc" -> links.add(attachTc(p, meta));
                default -> links.add(p.attach());
            }
        }
    }

    private BpfLink attachUprobe(BpfProgram p, String section) {
        if (options.uprobeBinary().isEmpty()) return p.attach();
        boolean ret = section.startsWith("uretprobe");
        int slash = section.indexOf('/');
        String target = slash < 0 ? "" : section.substring(slash + 1);
        int colon = target.lastIndexOf(':');
        String function = colon < 0 ? target : target.substring(colon + 1);
        if (function.isEmpty()) {
            throw new BpfException("program '" + p.name() + "' (" + section + ") names no function to probe");
        }
        return p.attachUprobe(options.uprobeBinary().get(), function, ret);
    }

    private String interfaceFor(BpfProgram p, Integer metaIfindex) {
        if (options.ifname().isPresent()) return options.ifname().get();
        if (metaIfindex != null && metaIfindex > 0) {
            String n = ifnameOf(metaIfindex);
            if (n != null) return n;
        }
        throw new BpfException("program '" + p.name() + "' (" + p.sectionName() + ") needs an interface: pass --ifname IF");
    }

    private static String ifnameOf(int ifindex) {
        try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/sys/class/net"))) {
            for (var d : (Iterable<java.nio.file.Path>) dirs::iterator) {
                String idx = java.nio.file.Files.readString(d.resolve("ifindex")).trim();
                if (idx.equals(Integer.toString(ifindex))) return d.getFileName().toString();
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }

    private BpfLink attachTc(BpfProgram p, EunomiaPackage.Prog meta) {
        JsonNode hook = meta == null ? null : meta.tchook;
        JsonNode opts = meta == null ? null : meta.tcopts;
        Integer metaIfindex = hook != null && hook.has("ifindex") ? hook.get("ifindex").asInt() : null;
        String ifname = interfaceFor(p, metaIfindex);
        String point = hook != null && hook.has("attach_point") ? hook.get("attach_point").asText() : "BPF_TC_INGRESS";
        if (p.sectionName().contains("egress")) point = "BPF_TC_EGRESS";
        int attachPoint = point.contains("EGRESS") ? TcLink.EGRESS : TcLink.INGRESS;
        int handle = opts != null && opts.has("handle") ? opts.get("handle").asInt() : 1;
        int priority = opts != null && opts.has("priority") ? opts.get("priority").asInt() : 1;
        return TcLink.attach(p, KernelSupport.ifindex(ifname), ifname, attachPoint, handle, priority);
    }

    private void openBuffers() {
        epoll = new Epoll();
        List<EunomiaPackage.ExportType> exportTypes = pkg.meta.exportTypes == null ? List.of() : pkg.meta.exportTypes;
        Map<String, EunomiaPackage.Sample> samples = new java.util.HashMap<>();
        if (pkg.meta.bpfSkel.maps != null) {
            for (EunomiaPackage.MapMeta m : pkg.meta.bpfSkel.maps) if (m.sample != null) samples.put(m.name, m.sample);
        }
        int pages = pkg.meta.perfBufferPages != null ? pkg.meta.perfBufferPages : 64;
        for (BpfMap m : object.maps()) {
            if (samples.containsKey(m.name())) {
                histograms.add(new HistogramPrinter(m, samples.get(m.name()), btf));
                continue;
            }
            boolean ring = m.type() == BpfMap.TYPE_RINGBUF;
            boolean perf = m.type() == BpfMap.TYPE_PERF_EVENT_ARRAY;
            if (!ring && !perf) continue;
            if (exportTypes.isEmpty()) {
                throw new BpfException(name + ": map '" + m.name() + "' streams events but package.json has no export_types to decode them");
            }
            if (ring) {
                RingBufferReader r = new RingBufferReader(m);
                ringBuffers.add(r);
                epoll.add(r.fd());
            } else {
                PerfBufferReader r = new PerfBufferReader(m, pages);
                perfBuffers.add(r);
                for (int fd : r.fds()) epoll.add(fd);
            }
        }
        if (!exportTypes.isEmpty() && (!ringBuffers.isEmpty() || !perfBuffers.isEmpty())) {
            EventLayout layout = BtfLayouts.exportType(exportTypes.get(0), btf);
            formatter = new EventFormatter(layout, options.mode());
        }
    }

    private void note(String message) {
        if (options.verbose()) notes.println("ebpm: " + message);
    }

    /** Attach points, one per link: {@code kill_entry -> tracepoint/syscalls/sys_enter_kill}. */
    public List<String> attachPoints() {
        List<String> out = new ArrayList<>();
        for (BpfLink l : links) out.add(l.description());
        return Collections.unmodifiableList(out);
    }

    public long eventsSeen() {
        return events.get();
    }

    public long eventsLost() {
        return lost.get();
    }

    /** Polls and prints until {@link #stop()} is called or the duration passes. */
    public void run(OutputStream out) {
        TextSink sink = new TextSink();
        // the table has its header unless the package says print_header: false; JSON lines never do
        boolean header = options.mode() == EventFormatter.Mode.TABLE && !Boolean.FALSE.equals(pkg.meta.printHeader);
        if (formatter != null && header) {
            formatter.header(sink);
            sink.writeTo(out);
        }
        int timeout = pkg.meta.pollTimeoutMs != null && pkg.meta.pollTimeoutMs > 0 ? pkg.meta.pollTimeoutMs : 100;
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        RecordHandler handler = new RecordHandler() {
            @Override
            public void onRecord(ByteBuffer buffer, int offset, int length) {
                formatter.format(buffer, offset, length, sink);
            }

            @Override
            public void onLost(long count) {
                lost.addAndGet(count);
            }
        };
        long now = System.nanoTime();
        for (HistogramPrinter h : histograms) h.schedule(now);
        while (!stopping && System.nanoTime() < deadline) {
            long wait = Math.min(timeout, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            for (HistogramPrinter h : histograms) wait = Math.min(wait, h.millisUntilDue(System.nanoTime()));
            epoll.await((int) Math.max(0, wait));
            drain(handler);
            now = System.nanoTime();
            for (HistogramPrinter h : histograms) {
                if (h.due(now)) h.print(sink, options.mode());
            }
            if (sink.length() > 0) sink.writeTo(out);
        }
        drain(handler);
        for (HistogramPrinter h : histograms) h.print(sink, options.mode());
        if (sink.length() > 0) sink.writeTo(out);
    }

    /** Drains every buffer; the event count is published once per drain, not per event (it is read by other threads). */
    private void drain(RecordHandler handler) {
        long n = 0;
        for (RingBufferReader r : ringBuffers) n += r.drain(handler);
        for (PerfBufferReader r : perfBuffers) n += r.drain(handler);
        if (n > 0) events.addAndGet(n);
    }

    /** Asks {@link #run} to return; callable from any thread (a signal handler, a stop request). */
    public void stop() {
        stopping = true;
        Epoll e = epoll;
        if (e != null) e.wake();
    }

    @Override
    public synchronized void close() {
        for (int i = links.size() - 1; i >= 0; i--) {
            try {
                links.get(i).close();
            } catch (RuntimeException ignored) {
                // keep detaching the rest
            }
        }
        links.clear();
        ringBuffers.forEach(RingBufferReader::close);
        ringBuffers.clear();
        perfBuffers.forEach(PerfBufferReader::close);
        perfBuffers.clear();
        if (epoll != null) {
            epoll.close();
            epoll = null;
        }
        if (object != null) {
            object.close();
            object = null;
        }
    }
}
