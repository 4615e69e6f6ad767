package dev.ebpm.loader.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import dev.ebpm.loader.testsupport.BpftoolRaw;
import dev.ebpm.loader.testsupport.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the repository's examples with the host clang against the running kernel's BTF. */
class PackageBuilderTest {
    @TempDir
    static Path out;

    @BeforeAll
    static void tools() {
        Tools.assumeTool("clang");
        Tools.assumeTool("bpftool");
        Tools.assumeKernelBtf();
    }

    private static PackageBuilder.Result build(String example) {
        Path dir = Tools.repoRoot().resolve("examples").resolve(example);
        Path outDir = out.resolve(example);
        // one shared vmlinux.h cache: what -o DIR does for repeated builds
        return new PackageBuilder().buildPackage(dir, BuildOptions.defaults()
                .withOutputDir(outDir).withPackageJson(outDir.resolve("package.json")));
    }

    private static EunomiaPackage read(PackageBuilder.Result r) throws Exception {
        return PackageReader.read(Files.readAllBytes(r.packageJson()), r.packageJson().toString()).pkg();
    }

    private static List<String> names(List<?> items, java.util.function.Function<Object, String> f) {
        return items.stream().map(f).toList();
    }

    @Test
    void sigsnoop() throws Exception {
        PackageBuilder.Result r = build("sigsnoop");
        EunomiaPackage pkg = read(r);
        EunomiaPackage.BpfSkel skel = pkg.meta.bpfSkel;
        assertEquals("sigsnoop_bpf", skel.objName);
        assertEquals(List.of("kill_entry", "kill_exit", "tkill_entry", "tkill_exit", "tgkill_entry", "tgkill_exit"),
                skel.progs.stream().map(p -> p.name).toList());
        assertEquals("tracepoint/syscalls/sys_enter_kill", skel.progs.get(0).attach);
        assertEquals(List.of("values:values", "events:events", "rodata:sigsnoop.rodata", "bss:sigsnoop.bss"),
                skel.maps.stream().map(m -> m.ident + ":" + m.name).toList());
        EunomiaPackage.DataSection rodata = skel.dataSections.get(0);
        assertEquals(".rodata", rodata.name);
        assertEquals("filtered_pid:pid_t:0 target_signal:int:4 failed_only:bool:8",
                rodata.variables.stream().map(v -> v.name + ":" + v.type + ":" + v.offset).collect(Collectors.joining(" ")));
        EunomiaPackage.Variable sig = rodata.variables.get(1);
        assertEquals("Only trace this signal number (0: all)", sig.description);
        assertEquals("s", sig.cmdarg.shortName);
        assertEquals(0, sig.cmdarg.defaultValue.asInt());

        // the event struct as bpftool sees it in the object's own BTF
        assertEquals(1, pkg.meta.exportTypes.size());
        EunomiaPackage.ExportType event = pkg.meta.exportTypes.get(0);
        BpftoolRaw raw = BpftoolRaw.dump(r.object());
        BpftoolRaw.Entry expected = raw.byId(event.typeId);
        assertEquals("event", expected.name());
        assertEquals(expected.size(), (long) event.size);
        assertEquals(List.of("pid", "tpid", "sig", "ret", "comm"), event.members.stream().map(m -> m.name).toList());
        for (int i = 0; i < expected.members().size(); i++) {
            assertEquals(expected.members().get(i).name(), event.members.get(i).name);
            assertEquals(expected.members().get(i).bitsOffset() / 8, (int) event.members.get(i).offset);
        }
        assertEquals("char[16]", event.members.get(4).type);
        assertEquals(16, event.members.get(4).size);
        assertEquals(32, event.size);
    }

    @Test
    void opensnoopUsesAPerfEventArray() throws Exception {
        EunomiaPackage pkg = read(build("opensnoop"));
        assertEquals(List.of("trace_openat_entry", "trace_openat_exit"), pkg.meta.bpfSkel.progs.stream().map(p -> p.name).toList());
        assertTrue(pkg.meta.bpfSkel.maps.stream().anyMatch(m -> m.name.equals("events")));
        EunomiaPackage.ExportType event = pkg.meta.exportTypes.get(0);
        Map<String, String> types = event.members.stream().collect(Collectors.toMap(m -> m.name, m -> m.type));
        assertEquals("char[255]", types.get("fname"));
        assertEquals("__u32", types.get("uid"));
        assertEquals(List.of("targ_pid", "targ_failed"),
                pkg.meta.bpfSkel.dataSections.get(0).variables.stream().map(v -> v.name).toList());
    }

    @Test
    void bootstrap() throws Exception {
        EunomiaPackage pkg = read(build("bootstrap"));
        assertEquals(List.of("tp/sched/sched_process_exec", "tp/sched/sched_process_exit"),
                pkg.meta.bpfSkel.progs.stream().map(p -> p.attach).toList());
        EunomiaPackage.ExportType event = pkg.meta.exportTypes.get(0);
        assertEquals(List.of("pid", "ppid", "exit_code", "duration_ns", "comm", "filename", "exit_event"),
                event.members.stream().map(m -> m.name).toList());
        assertEquals("bool", event.members.get(6).type);
        EunomiaPackage.Variable min = pkg.meta.bpfSkel.dataSections.get(0).variables.get(0);
        assertEquals("min_duration_ns", min.name);
        assertEquals("unsigned long long", min.type);
    }

    @Test
    void runqlatSamplesItsHistogram() throws Exception {
        EunomiaPackage pkg = read(build("runqlat"));
        assertEquals(List.of("sched_wakeup", "sched_wakeup_new", "sched_switch"), pkg.meta.bpfSkel.progs.stream().map(p -> p.name).toList());
        assertEquals("tp_btf/sched_switch", pkg.meta.bpfSkel.progs.get(2).attach);
        EunomiaPackage.MapMeta hists = pkg.meta.bpfSkel.maps.stream().filter(m -> m.name.equals("hists")).findFirst().orElseThrow();
        assertEquals("log2_hist", hists.sample.type);
        assertEquals(1000, hists.sample.interval);
        assertEquals("usecs", hists.sample.unit);
        assertFalse(hists.sample.clearMap);
        assertTrue(pkg.meta.exportTypes.isEmpty());
    }

    @Test
    void relativeDirectoriesWork() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        Path rel = cwd.relativize(Tools.repoRoot().resolve("examples/sigsnoop"));
        Path outRel = cwd.relativize(out.resolve("relative"));
        Path pj = new PackageBuilder().build(rel, BuildOptions.defaults().withOutputDir(outRel).withPackageJson(out.resolve("relative/package.json")));
        assertTrue(Files.size(pj) > 0);
        assertTrue(Files.isRegularFile(out.resolve("relative/sigsnoop.bpf.o")));
    }

    @Test
    void compileErrorShowsClangsOutput(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.bpf.c"), "#include \"vmlinux.h\"\nint f(void) { return undefined_thing; }\n");
        BuildException e = assertThrows(BuildException.class, () -> new PackageBuilder().build(dir,
                BuildOptions.defaults().withOutputDir(out.resolve("sigsnoop"))));
        assertEquals("clang failed to compile broken.bpf.c (exit 1)", e.getMessage());
        assertTrue(e.toolOutput().contains("use of undeclared identifier 'undefined_thing'"), e.toolOutput());
        assertFalse(Files.exists(dir.resolve("package.json")));
    }

    @Test
    void sourceDirectoryProblems(@TempDir Path dir) throws Exception {
        BuildException e = assertThrows(BuildException.class, () -> new PackageBuilder().build(dir, BuildOptions.defaults()));
        assertEquals("no *.bpf.c source in " + dir, e.getMessage());
        Files.writeString(dir.resolve("a.bpf.c"), "");
        Files.writeString(dir.resolve("b.bpf.c"), "");
        e = assertThrows(BuildException.class, () -> new PackageBuilder().build(dir, BuildOptions.defaults()));
        assertEquals("more than one *.bpf.c in " + dir + ": a.bpf.c, b.bpf.c; keep one per package", e.getMessage());
        e = assertThrows(BuildException.class, () -> new PackageBuilder().build(dir.resolve("nope"), BuildOptions.defaults()));
        assertEquals("not a directory: " + dir.resolve("nope"), e.getMessage());
    }

    @Test
    void badBuildConfigNamesTheFile(@TempDir Path dir) throws Exception {
        Files.copy(Tools.repoRoot().resolve("examples/sigsnoop/sigsnoop.bpf.c"), dir.resolve("sigsnoop.bpf.c"));
        Files.copy(Tools.repoRoot().resolve("examples/sigsnoop/sigsnoop.h"), dir.resolve("sigsnoop.h"));
        Files.writeString(dir.resolve("ebpm-build.json"), "{\"variables\": {\"target_signal\": }");
        BuildException e = assertThrows(BuildException.class, () -> new PackageBuilder().build(dir,
                BuildOptions.defaults().withOutputDir(out.resolve("sigsnoop"))));
        assertTrue(e.getMessage().startsWith("ebpm-build.json: invalid JSON at line 1, column 33"), e.getMessage());
        Files.writeString(dir.resolve("ebpm-build.json"), "{\"variables\": {\"target_sig\": {\"description\": \"x\"}}}");
        e = assertThrows(BuildException.class, () -> new PackageBuilder().build(dir,
                BuildOptions.defaults().withOutputDir(out.resolve("sigsnoop"))));
        assertEquals("sigsnoop: build config variables.target_sig: the object has no global variable target_sig in .rodata, .data or .bss",
                e.getMessage());
        // ebpm-build.json wins over the source's doc comment
        Files.writeString(dir.resolve("ebpm-build.json"), "{\"variables\": {\"target_signal\": {\"description\": \"from config\"}}}");
        Path pj = new PackageBuilder().build(dir, BuildOptions.defaults().withOutputDir(out.resolve("sigsnoop")));
        JsonNode vars = new ObjectMapper().readTree(pj.toFile()).at("/meta/bpf_skel/data_sections/0/variables");
        assertEquals("from config", vars.get(1).get("description").asText());
        assertEquals("s", vars.get(1).at("/cmdarg/short").asText());
        assertEquals(dir.resolve("package.json"), pj);
    }

    @Test
    void aPinnedHeaderAndAGeneratedOneTakeTurnsInOneCache(@TempDir Path cache) throws Exception {
        Path pinned = cache.resolve("pinned/vmlinux_x86.h");
        Files.createDirectories(pinned.getParent());
        Files.writeString(pinned, "/* pinned */\ntypedef unsigned int __u32;\n");
        Path out = cache.resolve("out");
        Path h = VmlinuxHeader.ensure(java.util.Optional.empty(), out);
        assertTrue(Files.readString(h).contains("struct task_struct {"));
        // the stamp says where the header came from: the pinned one replaces the generated one, and the other way round
        assertEquals(Files.readString(pinned), Files.readString(VmlinuxHeader.pin(pinned, out)));
        assertTrue(Files.readString(VmlinuxHeader.ensure(java.util.Optional.empty(), out)).contains("struct task_struct {"));
        Files.writeString(cache.resolve("empty.h"), "");
        BuildException e = assertThrows(BuildException.class, () -> VmlinuxHeader.pin(cache.resolve("empty.h"), out));
        assertEquals("vmlinux.h " + cache.resolve("empty.h") + " is empty", e.getMessage());
    }

    @Test
    void vmlinuxHeaderIsCachedByBtfContent(@TempDir Path cache) throws Exception {
        Path h = VmlinuxHeader.ensure(java.util.Optional.empty(), cache);
        long modified = Files.getLastModifiedTime(h).toMillis();
        assertTrue(Files.readString(h).contains("struct task_struct {"));
        Thread.sleep(20);
        assertEquals(h, VmlinuxHeader.ensure(java.util.Optional.empty(), cache));
        assertEquals(modified, Files.getLastModifiedTime(h).toMillis(), "second call reuses the cached header");
        BuildException e = assertThrows(BuildException.class,
                () -> VmlinuxHeader.ensure(java.util.Optional.of(cache.resolve("missing.btf")), cache));
        assertTrue(e.getMessage().startsWith("cannot read BTF " + cache.resolve("missing.btf")), e.getMessage());
        Files.writeString(cache.resolve("junk.btf"), "this is not BTF at all, just text");
        e = assertThrows(BuildException.class, () -> VmlinuxHeader.ensure(java.util.Optional.of(cache.resolve("junk.btf")), cache));
        assertTrue(e.getMessage().startsWith("not usable as BTF: " + cache.resolve("junk.btf") + ": bad BTF magic"), e.getMessage());
    }

    /** A source in eunomia's layout, written for the test: NAME.bpf.c streaming NAME.h's struct on a ring buffer. */
    private static Path eccStyle(Path dir, String name, boolean header) throws Exception {
        Files.createDirectories(dir);
        String struct = "struct ping {\n\tint pid;\n\tunsigned long long ts;\n\tchar comm[16];\n};\nstruct unused_too { int x; };\n";
        if (header) Files.writeString(dir.resolve(name + ".h"), "/* what each getpid sends */\n" + struct);
        Files.writeString(dir.resolve(name + ".bpf.c"), "#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n"
                + (header ? "#include \"" + name + ".h\"\n" : struct)
                + "struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(\".maps\");\n"
                + "#ifdef EBPM_TEST_EXTRA\nconst volatile int extra = EBPM_TEST_EXTRA;\n#endif\n"
                + "SEC(\"tp/syscalls/sys_enter_getpid\")\nint on_getpid(void *ctx)\n{\n"
                + "\tstruct ping *p = bpf_ringbuf_reserve(&events, sizeof(*p), 0);\n\tif (!p)\n\t\treturn 0;\n"
                + "\tp->pid = bpf_get_current_pid_tgid() >> 32;\n\tp->ts = bpf_ktime_get_ns();\n"
                + "\tbpf_ringbuf_submit(p, 0);\n\treturn 0;\n}\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n");
        return dir;
    }

    @Test
    void theHeaderBesideTheSourceGivesTheExportTypesAsEccDoes(@TempDir Path dir) throws Exception {
        eccStyle(dir, "ping", true);
        PackageBuilder.Result r = new PackageBuilder().buildPackage(dir, BuildOptions.defaults().withOutputDir(out.resolve("ping")));
        // every struct of the header, in BTF order, as ecc filters bpftool's struct list by the header's names
        assertEquals(List.of("ping", "unused_too"), r.pkg().meta.exportTypes.stream().map(t -> t.name).toList());
        EunomiaPackage.ExportType ping = r.pkg().meta.exportTypes.get(0);
        assertEquals("pid:int:0 ts:unsigned long long:8 comm:char[16]:16",
                ping.members.stream().map(m -> m.name + ":" + m.type + ":" + m.offset).collect(Collectors.joining(" ")));
        assertEquals(32, ping.size);
        assertEquals("ping", BpftoolRaw.dump(r.object()).byId(ping.typeId).name());
        // the source tree is untouched: the markers went to clang on stdin
        assertFalse(Files.readString(dir.resolve("ping.bpf.c")).contains("__eunomia_dummy"));
        assertEquals(List.of("ping.bpf.c", "ping.h", "package.json"),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted(java.util.Comparator.comparing(n -> n.equals("package.json"))).toList());
    }

    @Test
    void aSourceAndAHeaderNamedExplicitly(@TempDir Path dir) throws Exception {
        eccStyle(dir, "ping", true);
        Files.move(dir.resolve("ping.h"), dir.resolve("events.h"));
        Files.writeString(dir.resolve("ping.bpf.c"), Files.readString(dir.resolve("ping.bpf.c")).replace("ping.h", "events.h"));
        Files.writeString(dir.resolve("other.bpf.c"), "this file is not compiled");
        BuildSources src = BuildSources.of(dir.resolve("ping.bpf.c"), java.util.Optional.of(dir.resolve("events.h")));
        PackageBuilder.Result r = new PackageBuilder().buildPackage(src, BuildOptions.defaults().withOutputDir(out.resolve("ping-named"))
                .withCflags(List.of("-DEBPM_TEST_EXTRA=7")));
        assertEquals(List.of("ping", "unused_too"), r.pkg().meta.exportTypes.stream().map(t -> t.name).toList());
        EunomiaPackage.Variable extra = r.pkg().meta.bpfSkel.dataSections.get(0).variables.get(0);
        assertEquals("extra=7", extra.name + "=" + extra.value, "-a/--cflags reach clang");
        BuildException e = assertThrows(BuildException.class, () -> BuildSources.of(dir.resolve("ping.bpf.c"),
                java.util.Optional.of(dir.resolve("missing.h"))));
        assertEquals("event header " + dir.resolve("missing.h") + " does not exist", e.getMessage());
        e = assertThrows(BuildException.class, () -> BuildSources.of(dir.resolve("events.h"), java.util.Optional.empty()));
        assertEquals(dir.resolve("events.h") + " is neither a package directory nor a *.bpf.c source"
                + " (to build a header's types alone, add --header-only)", e.getMessage());
    }

    @Test
    void aRingBufferWithNoExportTypeIsABuildError(@TempDir Path dir) throws Exception {
        eccStyle(dir, "ping", false);
        BuildException e = assertThrows(BuildException.class, () -> new PackageBuilder().buildPackage(dir,
                BuildOptions.defaults().withOutputDir(out.resolve("ping-bare"))));
        assertEquals("ping.bpf.c: map 'events' streams events but no event type is exported: declare the event struct in ping.h"
                + " beside it (ecc's convention; or name a header: ebpm build ping.bpf.c EVENT.h), or list it in ebpm-build.json's export_types",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("package.json")), "nothing written");
    }

    @Test
    void headerOnlyCompilesTheHeaderForItsTypes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("event.h"), "// two events\nstruct event { int pid; char comm[16]; };\n"
                + "/* struct not_this { in a comment */\ntypedef struct exit_event { int code; } exit_event_t;\n");
        PackageBuilder.Result r = new PackageBuilder().buildPackage(BuildSources.headerOnly(dir.resolve("event.h")),
                BuildOptions.defaults().withOutputDir(out.resolve("header-only")));
        assertEquals(dir.resolve("package.json"), r.packageJson());
        assertEquals("event_bpf", r.pkg().meta.bpfSkel.objName);
        assertTrue(r.pkg().meta.bpfSkel.progs.isEmpty());
        assertEquals(List.of("event", "exit_event"), r.pkg().meta.exportTypes.stream().map(t -> t.name).toList());
        assertEquals(List.of("event", "exit_event"), EventHeader.structNames(Files.readString(dir.resolve("event.h"))));
    }
}
