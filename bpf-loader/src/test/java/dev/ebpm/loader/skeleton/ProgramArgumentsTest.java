package dev.ebpm.loader.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.loader.BpfException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options derived from data-section variables, spelled as ecli (bpf-loader-rs) spells them. */
class ProgramArgumentsTest {
    private static ProgramArguments args() throws Exception {
        String json = """
            {"bpf_skel": {"obj_name": "t_bpf", "progs": [], "maps": [], "data_sections": [
              {"name": ".rodata", "variables": [
                {"name": "target_signal", "type": "int", "cmdarg": {"short": "s", "default": 0}},
                {"name": "comm", "type": "char[16]", "description": "only this command"},
                {"name": "renamed", "type": "unsigned int", "cmdarg": {"long": "limit", "help": "max events"}},
                {"name": "no_default", "type": "bool"},
                {"name": "off_by_default", "type": "bool", "value": false},
                {"name": "on_by_default", "type": "bool", "cmdarg": {"default": true}},
                {"name": "__eunomia_dummy_event_ptr", "type": "struct event *"}
              ]}]}}
            """;
        EunomiaPackage pkg = new EunomiaPackage();
        pkg.meta = PackageReader.JSON.readValue(json, EunomiaPackage.Meta.class);
        return new ProgramArguments(pkg, "t");
    }

    @Test
    void flagsFollowEcli() throws Exception {
        List<String> flags = args().options().stream().map(ProgramArguments.Option::flag).toList();
        assertEquals(List.of("--target_signal", "--comm", "--limit", "--no_default", "--enable-off_by_default", "--disable-on_by_default"), flags);
    }

    @Test
    void parsesLongShortInlineAndBools() throws Exception {
        Map<String, String> v = args().parse(List.of("-s", "9", "--comm=bash", "--limit", "5", "--no_default",
                "--enable-off_by_default", "--disable-on_by_default"));
        assertEquals(Map.of("target_signal", "9", "comm", "bash", "renamed", "5", "no_default", "true",
                "off_by_default", "true", "on_by_default", "false"), v);
    }

    @Test
    void unknownOptionListsTheValidOnes() {
        BpfException e = assertThrows(BpfException.class, () -> args().parse(List.of("--enable-on_by_default")));
        assertTrue(e.getMessage().contains("unknown option '--enable-on_by_default' for t"), e.getMessage());
        assertTrue(e.getMessage().contains("--disable-on_by_default"), e.getMessage());
    }

    @Test
    void missingValueAndBoolWithValueAreRefused() {
        assertThrows(BpfException.class, () -> args().parse(List.of("--comm")));
        assertThrows(BpfException.class, () -> args().parse(List.of("--no_default=1")));
    }

    @Test
    void usageShowsHelpDescriptionsAndDefaults() throws Exception {
        String usage = args().usage("A test program");
        assertTrue(usage.contains("-s, --target_signal <int>"), usage);
        assertTrue(usage.contains("only this command"), usage);
        assertTrue(usage.contains("max events"), usage);
        assertTrue(usage.contains("(default: 0)"), usage);
    }
}
