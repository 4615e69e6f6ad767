package dev.ebpm.loader.skeleton;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The model of eunomia-bpf's {@code package.json}: a BPF object (zlib, then base64) plus the
 * metadata ecli needs to run it. Field names follow eunomia's JSON exactly, so that what ecc
 * built runs here and what ebpm builds runs under ecli. Unknown keys are kept out of the way
 * rather than refused: newer eunomia versions add fields.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class EunomiaPackage {
    @JsonProperty("bpf_object") public String bpfObject;
    @JsonProperty("bpf_object_size") public Long bpfObjectSize;
    @JsonProperty("meta") public Meta meta;
    /**
     * ebpm's addition ({@code ebpm build --btfgen}): kernel BTF minimized to what this object relocates against, for
     * kernels without /sys/kernel/btf/vmlinux, keyed {@code ID/VERSION_ID/ARCH/RELEASE} as btfhub-archive lays them
     * out; each value zlib then base64, like {@code bpf_object}. ecli ignores it.
     */
    @JsonProperty("btf_archive") public java.util.SortedMap<String, String> btfArchive;

    /** {@code meta}: the skeleton description and run settings. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Meta {
        @JsonProperty("export_types") public List<ExportType> exportTypes = new ArrayList<>();
        @JsonProperty("bpf_skel") public BpfSkel bpfSkel;
        @JsonProperty("perf_buffer_pages") public Integer perfBufferPages;
        @JsonProperty("perf_buffer_time_ms") public Integer perfBufferTimeMs;
        @JsonProperty("poll_timeout_ms") public Integer pollTimeoutMs;
        @JsonProperty("debug_verbose") public Boolean debugVerbose;
        @JsonProperty("print_header") public Boolean printHeader;
        @JsonProperty("enable_multiple_export_types") public Boolean enableMultipleExportTypes;
        @JsonProperty("eunomia_version") public String eunomiaVersion;
        /**
         * ebpm's addition: what {@code ebpm build} compiled with ({@code clang}, {@code libbpf}, {@code target_arch},
         * {@code vmlinux_h}), the inputs besides the sources that a build's bytes depend on. eunomia's readers ignore it.
         */
        @JsonProperty("ebpm_build") public SortedMap<String, String> ebpmBuild;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class BpfSkel {
        @JsonProperty("obj_name") public String objName;
        @JsonProperty("progs") public List<Prog> progs = new ArrayList<>();
        @JsonProperty("maps") public List<MapMeta> maps = new ArrayList<>();
        @JsonProperty("data_sections") public List<DataSection> dataSections = new ArrayList<>();
        @JsonProperty("doc") public Doc doc;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Prog {
        @JsonProperty("name") public String name;
        /** The ELF section, which says how to attach: {@code tracepoint/syscalls/sys_enter_kill}. */
        @JsonProperty("attach") public String attach;
        @JsonProperty("link") public Boolean link;
        /** From the program's doc comment, as ecc writes it. */
        @JsonProperty("description") public String description;
        /** tc: {@code {"ifindex": 1, "attach_point": "BPF_TC_INGRESS"}}. */
        @JsonProperty("tchook") public JsonNode tchook;
        /** tc: {@code {"handle": 1, "priority": 1}}. */
        @JsonProperty("tcopts") public JsonNode tcopts;
        /** xdp: interface index. */
        @JsonProperty("ifindex") public Integer ifindex;
        /** xdp: attach flags. */
        @JsonProperty("flags") public Integer flags;
        /** xdp: {@code {"old_prog_fd": 0}}. */
        @JsonProperty("xdpopts") public JsonNode xdpopts;
        /** perf_event: samples per second on each CPU (ebpm's addition; ecli samples at 1 Hz). */
        @JsonProperty("sample_freq") public Long sampleFreq;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class MapMeta {
        @JsonProperty("ident") public String ident;
        @JsonProperty("name") public String name;
        @JsonProperty("mmaped") public Boolean mmaped;
        /** From the map's doc comment, as ecc writes it. */
        @JsonProperty("description") public String description;
        @JsonProperty("sample") public Sample sample;
    }

    /** Maps that are sampled at an interval instead of streamed, e.g. runqlat's histogram. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Sample {
        @JsonProperty("interval") public Integer interval;
        /** {@code log2_hist}, {@code linear_hist} or {@code default_kv}. */
        @JsonProperty("type") public String type;
        @JsonProperty("unit") public String unit;
        @JsonProperty("clear_map") public Boolean clearMap;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class DataSection {
        @JsonProperty("name") public String name;
        @JsonProperty("variables") public List<Variable> variables = new ArrayList<>();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Variable {
        @JsonProperty("name") public String name;
        /** C type as written: {@code int}, {@code pid_t}, {@code bool}, {@code char[16]}. */
        @JsonProperty("type") public String type;
        /** Byte offset inside the section (ebpm writes it; eunomia's loader derives it from BTF). */
        @JsonProperty("offset") public Integer offset;
        @JsonProperty("size") public Integer size;
        @JsonProperty("value") public JsonNode value;
        @JsonProperty("description") public String description;
        @JsonProperty("cmdarg") public CmdArg cmdarg;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class CmdArg {
        @JsonProperty("default") public JsonNode defaultValue;
        @JsonProperty("long") public String longName;
        @JsonProperty("short") public String shortName;
        @JsonProperty("help") public String help;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Doc {
        @JsonProperty("version") public String version;
        @JsonProperty("brief") public String brief;
        @JsonProperty("details") public String details;
        @JsonProperty("description") public String description;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class ExportType {
        @JsonProperty("name") public String name;
        @JsonProperty("members") public List<Member> members = new ArrayList<>();
        @JsonProperty("size") public Integer size;
        @JsonProperty("type_id") public Integer typeId;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Member {
        @JsonProperty("name") public String name;
        /** C type as written: {@code int}, {@code unsigned long long}, {@code char[16]}, {@code enum kind}. */
        @JsonProperty("type") public String type;
        @JsonProperty("size") public Integer size;
        @JsonProperty("offset") public Integer offset;
        /** Bit offset/size for bitfields, when present. */
        @JsonProperty("bit_offset") public Integer bitOffset;
        @JsonProperty("bit_size") public Integer bitSize;
    }
}
