package dev.ebpm.loader.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebpm.loader.skeleton.EunomiaPackage.DataSection;
import dev.ebpm.loader.skeleton.EunomiaPackage.MapMeta;
import dev.ebpm.loader.skeleton.EunomiaPackage.Variable;
import dev.ebpm.loader.testsupport.Tools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkeletonGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static byte[] globals;

    @BeforeAll
    static void compile() throws Exception {
        Path src = tmp.resolve("globals.bpf.c");
        try (InputStream in = SkeletonGeneratorTest.class.getResourceAsStream("/skeleton/globals.bpf.c")) {
            Files.write(src, in.readAllBytes());
        }
        globals = Files.readAllBytes(Tools.compileBpf(src, tmp.resolve("globals.bpf.o"), "bpfel"));
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static EunomiaPackage generate(String config) throws Exception {
        return SkeletonGenerator.fromObject(globals, "globals", Optional.of(json(config)));
    }

    @Test
    void libbpfInternalMapNames() {
        assertEquals("sigsnoop.rodata", SkeletonGenerator.internalMapName("sigsnoop_bpf", ".rodata"));
        assertEquals("opensnoo.rodata", SkeletonGenerator.internalMapName("opensnoop_bpf", ".rodata"));
        assertEquals("opensnoo.bss", SkeletonGenerator.internalMapName("opensnoop_bpf", ".bss"));
        assertEquals("x_bpf.data", SkeletonGenerator.internalMapName("x_bpf", ".data"));
        assertEquals(".rodata.str1.1", SkeletonGenerator.internalMapName("sigsnoop_bpf", ".rodata.str1.1"));
        assertEquals(".data.a_very_lo", SkeletonGenerator.internalMapName("sigsnoop_bpf", ".data.a_very_long_name"));
        assertEquals("my_obj_.rodata", SkeletonGenerator.internalMapName("my-obj-", ".rodata"));
        assertEquals("rodata_str1_1", SkeletonGenerator.identOf(".rodata.str1.1"));
        assertEquals("sigsnoop_bpf", SkeletonGenerator.objectName("sigsnoop"));
        assertEquals("sigsnoop_bpf", SkeletonGenerator.objectName("/x/y/sigsnoop.bpf.o"));
        assertEquals("my_tool_bpf", SkeletonGenerator.objectName("my-tool"));
    }

    @Test
    void variablesPlacedFromSymbolsWithInitialValues() throws Exception {
        EunomiaPackage pkg = generate("{}");
        assertEquals("globals_bpf", pkg.meta.bpfSkel.objName);
        var sections = pkg.meta.bpfSkel.dataSections.stream().collect(Collectors.toMap(d -> d.name, d -> d));
        DataSection rodata = sections.get(".rodata");
        assertEquals("first:pid_t@0=7 name:char[8]@4=\"hi\" big:long long@16=-5 ubig:unsigned long long@24=18446744073709551615",
                describe(rodata));
        assertEquals("counter:int@0=3 conf:struct cfg@4={\"a\":9,\"tag\":\"ab\"}", describe(sections.get(".data")));
        DataSection bss = sections.get(".bss");
        assertEquals("hits", bss.variables.get(0).name);
        assertEquals(null, bss.variables.get(0).value, ".bss has no initial values to report");
        assertFalse(bss.variables.stream().anyMatch(v -> v.name.startsWith("__eunomia_dummy")));
        assertFalse(sections.values().stream().flatMap(d -> d.variables.stream()).anyMatch(v -> v.name.startsWith("hidden")),
                "static and hidden globals are not part of the skeleton");
        Variable first = rodata.variables.get(0);
        assertEquals("first", first.cmdarg.longName);
        assertEquals(7, first.cmdarg.defaultValue.asInt());
        assertEquals("on_kill", pkg.meta.bpfSkel.progs.get(0).name);
        assertEquals("tracepoint/syscalls/sys_enter_kill", pkg.meta.bpfSkel.progs.get(0).attach);
        MapMeta rodataMap = pkg.meta.bpfSkel.maps.stream().filter(m -> m.ident.equals("rodata")).findFirst().orElseThrow();
        assertEquals("globals_.rodata", rodataMap.name, "8 characters of globals_bpf, then .rodata");
        assertTrue(rodataMap.mmaped);
    }

    private static String describe(DataSection ds) {
        return ds.variables.stream().map(v -> v.name + ":" + v.type + "@" + v.offset + "=" + v.value).collect(Collectors.joining(" "));
    }

    @Test
    void configDescribesVariablesAndMapsAndRejectsUnknownNames() throws Exception {
        EunomiaPackage pkg = generate("{\"variables\": {\"first\": {\"description\": \"the first\", \"cmdarg\": {\"short\": \"f\"}}},"
                + " \"maps\": {\"bss\": {\"sample\": {\"type\": \"log2_hist\", \"interval\": 1000, \"unit\": \"usecs\", \"clear_map\": false}}},"
                + " \"meta\": {\"poll_timeout_ms\": 50}, \"doc\": {\"brief\": \"globals\"}}");
        Variable first = pkg.meta.bpfSkel.dataSections.get(0).variables.get(0);
        assertEquals("the first", first.description);
        assertEquals("f", first.cmdarg.shortName);
        assertEquals("first", first.cmdarg.longName);
        assertEquals(7, first.cmdarg.defaultValue.asInt());
        MapMeta bss = pkg.meta.bpfSkel.maps.stream().filter(m -> m.ident.equals("bss")).findFirst().orElseThrow();
        assertEquals("log2_hist", bss.sample.type);
        assertEquals(1000, bss.sample.interval);
        assertEquals(50, pkg.meta.pollTimeoutMs);
        assertEquals("globals", pkg.meta.bpfSkel.doc.brief);

        SkeletonException e = assertThrows(SkeletonException.class, () -> generate("{\"variables\": {\"nope\": {}}}"));
        assertEquals("globals: build config variables.nope: the object has no global variable nope in .rodata, .data or .bss", e.getMessage());
        e = assertThrows(SkeletonException.class, () -> generate("{\"maps\": {\"nope\": {}}}"));
        assertTrue(e.getMessage().startsWith("globals: build config maps.nope: the object has no map nope (maps: "), e.getMessage());
        e = assertThrows(SkeletonException.class, () -> generate("{\"mpas\": {}}"));
        assertTrue(e.getMessage().startsWith("globals: unknown build config key \"mpas\""), e.getMessage());
    }

    @Test
    void packageRoundTripsThroughThePackageReader() throws Exception {
        EunomiaPackage pkg = generate("{}");
        String text = PackageWriter.toJson(pkg, true);
        assertEquals(text, PackageWriter.toJson(generate("{}"), true), "same object, same bytes");
        PackageReader.Decoded d = PackageReader.read(text.getBytes(), "globals.json");
        assertTrue(Arrays.equals(globals, d.elf()));
        assertEquals(globals.length, d.pkg().bpfObjectSize);
        assertEquals("globals_bpf", d.pkg().meta.bpfSkel.objName);
    }

    @Test
    void malformedObjectsFailWithClearMessages() {
        SkeletonException e = assertThrows(SkeletonException.class,
                () -> SkeletonGenerator.fromObject(Arrays.copyOf(globals, 1234), "globals", Optional.empty()));
        assertTrue(e.getMessage().matches("globals: not a usable BPF object: truncated ELF: section header table at 0x[0-9a-f]+ "
                + "\\(\\d+ entries\\) past end of 1234-byte file"), e.getMessage());

        e = assertThrows(SkeletonException.class,
                () -> SkeletonGenerator.fromObject(new byte[] {1, 2, 3}, "junk", Optional.empty()));
        assertEquals("junk: not a usable BPF object: not an ELF file: bad magic in 3-byte file", e.getMessage());
    }

    @Test
    void objectWithoutBtf() throws Exception {
        Path src = tmp.resolve("nobtf.c");
        Files.writeString(src, "__attribute__((section(\"xdp\"), used)) int prog(void *ctx) { return 2; }\n");
        Path obj = tmp.resolve("nobtf.o");
        Process p = new ProcessBuilder("clang", "-target", "bpf", "-O2", "-c", src.toString(), "-o", obj.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        SkeletonException e = assertThrows(SkeletonException.class,
                () -> SkeletonGenerator.fromObject(Files.readAllBytes(obj), "nobtf", Optional.empty()));
        assertEquals("nobtf: BPF object has no .BTF section; compile with clang -g so that types can be exported", e.getMessage());
    }

    @Test
    void missingExportTypes() throws Exception {
        byte[] obj = compile("missing", "struct missing; struct missing *__eunomia_dummy_missing_ptr __attribute__((unused));\n"
                + "int *__eunomia_dummy_int_ptr __attribute__((unused));\n");
        SkeletonException e = assertThrows(SkeletonException.class,
                () -> SkeletonGenerator.fromObject(obj, "missing", Optional.empty()));
        assertEquals("missing: export type struct missing (marked by __eunomia_dummy_missing_ptr) is declared but never defined in the object's BTF",
                e.getMessage());
    }

    @Test
    void exportTypeNamedInConfigButAbsent() throws Exception {
        byte[] obj = compile("noexport", "int x = 1; __attribute__((section(\"xdp\"), used)) int prog(void *c) { return x; }\n");
        SkeletonException e = assertThrows(SkeletonException.class,
                () -> SkeletonGenerator.fromObject(obj, "noexport", Optional.of(json("{\"export_types\": [\"event\"]}"))));
        assertTrue(e.getMessage().startsWith("noexport: export type struct event (named in the build config) is not in the object's BTF"), e.getMessage());
        EunomiaPackage pkg = SkeletonGenerator.fromObject(obj, "noexport", Optional.empty());
        assertTrue(pkg.meta.exportTypes.isEmpty());
        assertEquals("prog", pkg.meta.bpfSkel.progs.get(0).name);
    }

    private static byte[] compile(String name, String code) throws Exception {
        Path src = tmp.resolve(name + ".c");
        Files.writeString(src, code);
        return Files.readAllBytes(Tools.compileBpf(src, tmp.resolve(name + ".o"), "bpfel"));
    }
}
