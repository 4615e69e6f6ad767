package dev.ebpm.loader.skeleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfException;
import dev.ebpm.loader.btf.BtfKind;
import dev.ebpm.loader.btf.BtfType;
import dev.ebpm.loader.elf.ElfException;
import dev.ebpm.loader.elf.ElfFile;
import dev.ebpm.loader.skeleton.EunomiaPackage.BpfSkel;
import dev.ebpm.loader.skeleton.EunomiaPackage.CmdArg;
import dev.ebpm.loader.skeleton.EunomiaPackage.DataSection;
import dev.ebpm.loader.skeleton.EunomiaPackage.ExportType;
import dev.ebpm.loader.skeleton.EunomiaPackage.MapMeta;
import dev.ebpm.loader.skeleton.EunomiaPackage.Member;
import dev.ebpm.loader.skeleton.EunomiaPackage.Meta;
import dev.ebpm.loader.skeleton.EunomiaPackage.Prog;
import dev.ebpm.loader.skeleton.EunomiaPackage.Variable;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds eunomia's package metadata from a compiled BPF object, as ecc does with
 * {@code bpftool gen skeleton -j} and {@code bpftool btf dump -j}, but in Java from the ELF and
 * its BTF. Used by {@code ebpm build} and by the runner when handed a bare {@code .bpf.o}.
 *
 * <p>The optional config (what {@code ebpm-build.json} and the source's {@code ///} comments
 * give) has the shape {@code {"variables": {NAME: {"description", "cmdarg"}}, "maps": {NAME:
 * {"sample", ...}}, "progs": {NAME: {...}}, "export_types": [STRUCT, ...], "doc": {...},
 * "meta": {...}}}; see docs/package-format.md.
 */
public final class SkeletonGenerator {
    /** Globals named so mark the struct they point to as an exported event type (eunomia's convention). */
    public static final Pattern EXPORT_MARKER = Pattern.compile("__eunomia_dummy_(\\w+)_ptr");
    /** libbpf's BPF_OBJ_NAME_LEN: map names, with NUL, fit in 16 bytes. */
    private static final int OBJ_NAME_LEN = 16;
    private static final Set<String> CONFIG_KEYS = Set.of("variables", "maps", "progs", "export_types", "doc", "meta");

    private final ElfFile elf;
    private final Btf btf;
    private final String objName;
    private final JsonNode config;
    private final Map<String, ElfFile.Symbol> symbolsByName = new HashMap<>();

    private SkeletonGenerator(ElfFile elf, Btf btf, String objName, JsonNode config) {
        this.elf = elf;
        this.btf = btf;
        this.objName = objName;
        this.config = config;
        for (ElfFile.Symbol s : elf.symbols()) {
            if (s.sectionIndex() != 0 && !s.name().isEmpty()) {
                symbolsByName.putIfAbsent(s.name(), s);
            }
        }
    }

    /**
     * The package for an object: {@code name} is the program's name ({@code sigsnoop}, or a file
     * name such as {@code sigsnoop.bpf.o}); the object name becomes {@code sigsnoop_bpf}.
     */
    public static EunomiaPackage fromObject(byte[] elfBytes, String name, Optional<JsonNode> extraConfig) {
        return fromObject(elfBytes, name, extraConfig, Optional.empty());
    }

    /**
     * As above, with doc-comment config read from the source: entries in {@code sourceDocs} that
     * name nothing in the object are dropped (the source scan may misname a declaration), and
     * {@code extraConfig} wins where both say something.
     */
    public static EunomiaPackage fromObject(byte[] elfBytes, String name, Optional<JsonNode> extraConfig,
                                            Optional<JsonNode> sourceDocs) {
        String objName = objectName(name);
        ElfFile elf;
        try {
            elf = ElfFile.parse(elfBytes);
        } catch (ElfException e) {
            throw new SkeletonException(name + ": not a usable BPF object: " + e.getMessage(), e);
        }
        if (elf.machine() != ElfFile.EM_BPF) {
            throw new SkeletonException(name + ": ELF object is for machine " + elf.machine() + ", not BPF (247); compile with clang -target bpf");
        }
        ElfFile.Section btfSection = elf.section(".BTF").orElseThrow(() -> new SkeletonException(
                name + ": BPF object has no .BTF section; compile with clang -g so that types can be exported"));
        Btf btf;
        try {
            btf = Btf.parse(btfSection.contents());
        } catch (BtfException e) {
            throw new SkeletonException(name + ": bad .BTF section: " + e.getMessage(), e);
        }
        JsonNode explicit = extraConfig.orElseGet(JsonNodeFactory.instance::objectNode);
        if (!explicit.isObject()) {
            throw new SkeletonException(name + ": build config must be a JSON object, not " + explicit.getNodeType());
        }
        JsonNode config = sourceDocs.filter(JsonNode::isObject)
                .map(docs -> (JsonNode) merge(pruneToSymbols((ObjectNode) docs.deepCopy(), elf), explicit))
                .orElse(explicit);
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!CONFIG_KEYS.contains(key)) {
                throw new SkeletonException(name + ": unknown build config key \"" + key + "\" (known: " + String.join(", ", CONFIG_KEYS.stream().sorted().toList()) + ")");
            }
        }
        try {
            return new SkeletonGenerator(elf, btf, objName, config).generate(elfBytes);
        } catch (BtfException | SkeletonException e) {
            throw new SkeletonException(name + ": " + e.getMessage(), e);
        }
    }

    /** {@code sigsnoop.bpf.o} and {@code sigsnoop} both become {@code sigsnoop_bpf}, as bpftool names skeletons. */
    public static String objectName(String name) {
        String base = name;
        int slash = base.lastIndexOf('/');
        if (slash >= 0) {
            base = base.substring(slash + 1);
        }
        if (base.endsWith(".o")) {
            base = base.substring(0, base.length() - 2);
        }
        String ident = base.replaceAll("[^A-Za-z0-9_]", "_");
        if (ident.isEmpty()) {
            throw new SkeletonException("empty program name");
        }
        return ident.endsWith("_bpf") ? ident : ident + "_bpf";
    }

    private EunomiaPackage generate(byte[] elfBytes) {
        BpfSkel skel = new BpfSkel();
        skel.objName = objName;
        skel.progs = progs();
        skel.maps = maps();
        skel.dataSections = dataSections();
        if (config.has("doc")) {
            skel.doc = treeToValue(config.get("doc"), EunomiaPackage.Doc.class, "doc");
        }
        Meta meta = new Meta();
        meta.bpfSkel = skel;
        meta.exportTypes = exportTypes();
        if (config.has("meta")) {
            meta = mergeMeta(meta, config.get("meta"));
        }
        EunomiaPackage pkg = new EunomiaPackage();
        pkg.meta = meta;
        pkg.bpfObject = PackageWriter.encodeObject(elfBytes);
        pkg.bpfObjectSize = (long) elfBytes.length;
        return pkg;
    }

    // ---- programs ----------------------------------------------------------------------------

    private List<Prog> progs() {
        List<ElfFile.Symbol> funcs = new ArrayList<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (!s.isFunction() || !s.isGlobal() || s.sectionIndex() == 0 || s.sectionIndex() >= elf.sections().size()) {
                continue;
            }
            ElfFile.Section sec = elf.section(s.sectionIndex());
            if (sec.executable() && !sec.name().equals(".text")) {
                funcs.add(s);
            }
        }
        funcs.sort(Comparator.comparingInt(ElfFile.Symbol::sectionIndex).thenComparingLong(ElfFile.Symbol::value));
        Map<String, Prog> byName = new HashMap<>();
        List<Prog> progs = new ArrayList<>();
        for (ElfFile.Symbol s : funcs) {
            Prog p = new Prog();
            p.name = s.name();
            p.attach = elf.section(s.sectionIndex()).name();
            p.link = true;
            progs.add(p);
            byName.put(p.name, p);
        }
        JsonNode cfg = config.path("progs");
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Prog p = byName.get(e.getKey());
            if (p == null) {
                throw new SkeletonException("build config progs." + e.getKey() + ": the object has no program " + e.getKey()
                        + " (programs: " + String.join(", ", byName.keySet().stream().sorted().toList()) + ")");
            }
            ObjectNode merged = PackageWriter.JSON.valueToTree(p);
            merged.setAll((ObjectNode) requireObject(e.getValue(), "progs." + e.getKey()));
            progs.set(progs.indexOf(p), treeToValue(merged, Prog.class, "progs." + e.getKey()));
        }
        return progs;
    }

    // ---- maps --------------------------------------------------------------------------------

    /** An internal map: one per .data/.rodata/.bss section, as libbpf creates them. */
    private record InternalMap(ElfFile.Section section, String ident, String mapName, Optional<BtfType.Datasec> datasec) {}

    private List<InternalMap> internalMaps() {
        List<InternalMap> maps = new ArrayList<>();
        for (ElfFile.Section s : elf.sections()) {
            if (!isDataSection(s.name()) || !s.alloc() || s.size() == 0) {
                continue;
            }
            Optional<BtfType.Datasec> datasec = datasec(s.name());
            maps.add(new InternalMap(s, identOf(s.name()), internalMapName(objName, s.name()), datasec));
        }
        return maps;
    }

    private static boolean isDataSection(String name) {
        for (String prefix : List.of(".data", ".rodata", ".bss")) {
            if (name.equals(prefix) || name.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The skeleton identifier: {@code .rodata.str1.1} becomes {@code rodata_str1_1}, as bpftool does. */
    static String identOf(String sectionName) {
        return sectionName.substring(1).replaceAll("[^A-Za-z0-9_]", "_");
    }

    /**
     * libbpf 1.1's internal_map_name(): as much of the object name as fits before the section
     * name within 15 characters, the suffix taking at least 7; no prefix for custom
     * {@code .rodata.foo}-style sections; characters the kernel refuses become '_'.
     */
    public static String internalMapName(String objName, String sectionName) {
        int sfxLen = Math.max(7, sectionName.length());
        if (sfxLen >= OBJ_NAME_LEN) {
            sfxLen = OBJ_NAME_LEN - 1;
        }
        int pfxLen = sectionName.indexOf('.', 1) >= 0 ? 0 : Math.min(OBJ_NAME_LEN - sfxLen - 1, objName.length());
        String name = objName.substring(0, pfxLen) + sectionName.substring(0, Math.min(sfxLen, sectionName.length()));
        if (name.length() > OBJ_NAME_LEN - 1) {
            name = name.substring(0, OBJ_NAME_LEN - 1);
        }
        return name.replaceAll("[^A-Za-z0-9_.]", "_");
    }

    private List<MapMeta> maps() {
        List<MapMeta> maps = new ArrayList<>();
        Optional<ElfFile.Section> mapsSection = elf.section(".maps");
        if (mapsSection.isPresent()) {
            for (String name : userMapNames(mapsSection.get())) {
                MapMeta m = new MapMeta();
                m.ident = name;
                m.name = name;
                m.mmaped = false;
                maps.add(m);
            }
        }
        for (InternalMap im : internalMaps()) {
            MapMeta m = new MapMeta();
            m.ident = im.ident();
            m.name = im.mapName();
            m.mmaped = im.datasec().map(this::hasExposedVariables).orElse(false);
            maps.add(m);
        }
        JsonNode cfg = config.path("maps");
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int index = -1;
            for (int i = 0; i < maps.size(); i++) {
                if (maps.get(i).name.equals(e.getKey()) || maps.get(i).ident.equals(e.getKey())) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                throw new SkeletonException("build config maps." + e.getKey() + ": the object has no map " + e.getKey()
                        + " (maps: " + String.join(", ", maps.stream().map(m -> m.ident).toList()) + ")");
            }
            ObjectNode merged = PackageWriter.JSON.valueToTree(maps.get(index));
            merged.setAll((ObjectNode) requireObject(e.getValue(), "maps." + e.getKey()));
            maps.set(index, treeToValue(merged, MapMeta.class, "maps." + e.getKey()));
        }
        return maps;
    }

    /** BTF-defined maps in the order libbpf creates them: the .maps DATASEC's order, else symbol order. */
    private List<String> userMapNames(ElfFile.Section mapsSection) {
        Set<String> names = new LinkedHashSet<>();
        Optional<BtfType.Datasec> ds = datasec(".maps");
        if (ds.isPresent()) {
            for (BtfType.VarSecInfo v : ds.get().vars()) {
                names.add(btf.type(v.type()).name());
            }
        } else {
            elf.symbols().stream()
                    .filter(s -> s.sectionIndex() == mapsSection.index() && s.isObject())
                    .sorted(Comparator.comparingLong(ElfFile.Symbol::value))
                    .forEach(s -> names.add(s.name()));
        }
        return List.copyOf(names);
    }

    private Optional<BtfType.Datasec> datasec(String name) {
        return btf.findByName(name, BtfKind.DATASEC).stream().mapToObj(id -> (BtfType.Datasec) btf.type(id)).findFirst();
    }

    /** libbpf mmaps an internal map only if some global, non-hidden variable lives in it. */
    private boolean hasExposedVariables(BtfType.Datasec ds) {
        for (BtfType.VarSecInfo v : ds.vars()) {
            if (btf.type(v.type()) instanceof BtfType.Var var && exposed(var)) {
                return true;
            }
        }
        return false;
    }

    private boolean exposed(BtfType.Var var) {
        if (var.linkage() == 0) {
            return false;
        }
        ElfFile.Symbol sym = symbolsByName.get(var.name());
        return sym == null || !sym.isHidden();
    }

    // ---- data sections -----------------------------------------------------------------------

    /** A variable with its offset fixed up: clang leaves DATASEC offsets 0, libbpf takes them from symbols. */
    private record PlacedVar(BtfType.Var var, int offset, int size) {}

    private List<PlacedVar> placedVars(BtfType.Datasec ds) {
        List<PlacedVar> vars = new ArrayList<>();
        for (BtfType.VarSecInfo info : ds.vars()) {
            if (!(btf.type(info.type()) instanceof BtfType.Var var)) {
                continue;
            }
            int offset = info.offset();
            if (ds.size() == 0) {
                ElfFile.Symbol sym = symbolsByName.get(var.name());
                if (sym == null) {
                    throw new SkeletonException("variable " + var.name() + " in " + ds.name() + " has no ELF symbol to place it");
                }
                offset = (int) sym.value();
            }
            vars.add(new PlacedVar(var, offset, info.size()));
        }
        vars.sort(Comparator.comparingInt(PlacedVar::offset));
        return vars;
    }

    private List<DataSection> dataSections() {
        List<DataSection> sections = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        JsonNode varConfig = config.path("variables");
        for (InternalMap im : internalMaps()) {
            if (im.datasec().isEmpty() || !hasExposedVariables(im.datasec().get())) {
                continue;
            }
            boolean initialised = im.section().type() != ElfFile.SHT_NOBITS;
            byte[] bytes = im.section().contents();
            DataSection ds = new DataSection();
            ds.name = im.section().name();
            for (PlacedVar pv : placedVars(im.datasec().get())) {
                BtfType.Var var = pv.var();
                if (!exposed(var)) {
                    continue;
                }
                Variable v = new Variable();
                v.name = var.name();
                v.type = btf.cNameUnqualified(var.type());
                v.offset = pv.offset();
                v.size = pv.size();
                if (initialised) {
                    if (pv.offset() < 0 || (long) pv.offset() + pv.size() > bytes.length) {
                        throw new SkeletonException(String.format("variable %s at offset %d (%d bytes) lies outside %s (%d bytes)",
                                var.name(), pv.offset(), pv.size(), ds.name, bytes.length));
                    }
                    v.value = decode(var.type(), bytes, pv.offset(), new VarBounds(var.name(), pv.offset() + pv.size()), 0);
                    v.cmdarg = new CmdArg();
                    v.cmdarg.defaultValue = v.value;
                    v.cmdarg.longName = var.name();
                }
                JsonNode cfg = varConfig.get(var.name());
                if (cfg != null) {
                    applyVariableConfig(v, requireObject(cfg, "variables." + var.name()));
                    seen.add(var.name());
                }
                ds.variables.add(v);
            }
            if (!ds.variables.isEmpty()) {
                sections.add(ds);
            }
        }
        for (Iterator<String> it = varConfig.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!seen.contains(name)) {
                throw new SkeletonException("build config variables." + name + ": the object has no global variable " + name
                        + " in .rodata, .data or .bss");
            }
        }
        return sections;
    }

    private void applyVariableConfig(Variable v, JsonNode cfg) {
        if (cfg.hasNonNull("description")) {
            v.description = cfg.get("description").asText();
        }
        if (cfg.has("cmdarg")) {
            ObjectNode merged = v.cmdarg == null ? JsonNodeFactory.instance.objectNode() : PackageWriter.JSON.valueToTree(v.cmdarg);
            merged.setAll((ObjectNode) requireObject(cfg.get("cmdarg"), "variables." + v.name + ".cmdarg"));
            v.cmdarg = treeToValue(merged, CmdArg.class, "variables." + v.name + ".cmdarg");
        }
        if (cfg.has("value")) {
            v.value = cfg.get("value");
            if (v.cmdarg != null) {
                v.cmdarg.defaultValue = v.value;
            }
        }
    }

    /** The variable being decoded and where its bytes end: its BTF type may claim more than its section gives it. */
    private record VarBounds(String name, int end) {
        void check(int offset, long size) {
            if (offset < 0 || size < 0 || offset + size > end) {
                throw new SkeletonException("variable " + name + ": its BTF type reaches past the variable's bytes (offset " + offset
                        + ", " + size + " bytes, the variable ends at " + end + ")");
            }
        }
    }

    /** A variable's initial value as JSON: numbers, bools, strings for char arrays, arrays and objects. */
    private JsonNode decode(int typeId, byte[] bytes, int offset, VarBounds bounds, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (depth > 16) {
            return f.nullNode();
        }
        ByteOrder order = elf.byteOrder();
        BtfType t = btf.resolve(typeId);
        if (t instanceof BtfType.Int i) {
            bounds.check(offset, Math.max(1, i.size()));
            if (i.isBool()) {
                return f.booleanNode(bytes[offset] != 0);
            }
            return integer(bytes, offset, i.size(), i.signed(), order);
        } else if (t instanceof BtfType.Enum e) {
            bounds.check(offset, e.size());
            return integer(bytes, offset, e.size(), e.signed(), order);
        } else if (t instanceof BtfType.Ptr) {
            bounds.check(offset, 8);
            return integer(bytes, offset, 8, false, order);
        } else if (t instanceof BtfType.Float fl) {
            bounds.check(offset, fl.size());
            ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
            return fl.size() == 4 ? f.numberNode(b.getFloat(offset)) : fl.size() == 8 ? f.numberNode(b.getDouble(offset)) : f.nullNode();
        } else if (t instanceof BtfType.Array a) {
            BtfType elem = btf.resolve(a.elemType());
            if (elem instanceof BtfType.Int ei && ei.size() == 1 && (ei.isChar() || ei.name().contains("char"))) {
                bounds.check(offset, Integer.toUnsignedLong(a.nelems()));
                int end = offset;
                while (end < offset + a.nelems() && bytes[end] != 0) {
                    end++;
                }
                return f.textNode(new String(bytes, offset, end - offset, java.nio.charset.StandardCharsets.UTF_8));
            }
            ArrayNode arr = f.arrayNode();
            long elemSize = btf.sizeOf(a.elemType());
            if (elemSize <= 0) return arr; // elements of no size hold no value
            bounds.check(offset, Integer.toUnsignedLong(a.nelems()) * elemSize);
            for (int k = 0; k < a.nelems(); k++) {
                arr.add(decode(a.elemType(), bytes, (int) (offset + k * elemSize), bounds, depth + 1));
            }
            return arr;
        } else if (t instanceof BtfType.Composite c) {
            ObjectNode obj = f.objectNode();
            for (BtfType.Member m : c.members()) {
                if (!m.isBitfield() && !m.name().isEmpty()) {
                    obj.set(m.name(), decode(m.type(), bytes, offset + m.bitOffset() / 8, bounds, depth + 1));
                }
            }
            return obj;
        }
        return f.nullNode();
    }

    private static JsonNode integer(byte[] bytes, int offset, int size, boolean signed, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        long v = switch (size) {
            case 1 -> signed ? b.get(offset) : Byte.toUnsignedLong(b.get(offset));
            case 2 -> signed ? b.getShort(offset) : Short.toUnsignedLong(b.getShort(offset));
            case 4 -> signed ? b.getInt(offset) : Integer.toUnsignedLong(b.getInt(offset));
            case 8 -> b.getLong(offset);
            default -> 0;
        };
        if (size == 8 && !signed && v < 0) {
            return JsonNodeFactory.instance.numberNode(new BigInteger(Long.toUnsignedString(v)));
        }
        return JsonNodeFactory.instance.numberNode(v);
    }

    // ---- export types ------------------------------------------------------------------------

    private List<ExportType> exportTypes() {
        List<ExportType> types = new ArrayList<>();
        Set<Integer> done = new LinkedHashSet<>();
        java.util.SortedMap<Integer, BtfType.Composite> marked = new java.util.TreeMap<>();
        for (BtfType t : btf.types()) {
            if (!(t instanceof BtfType.Var var)) {
                continue;
            }
            Matcher m = EXPORT_MARKER.matcher(var.name());
            if (!m.matches()) {
                continue;
            }
            BtfType ptr = btf.resolve(var.type());
            if (!(ptr instanceof BtfType.Ptr p)) {
                throw new SkeletonException("export marker " + var.name() + " must be a pointer to a struct, but is " + btf.cName(var.type()));
            }
            BtfType target = btf.resolve(p.type());
            if (target instanceof BtfType.Fwd) {
                throw new SkeletonException("export type " + btf.cName(p.type()) + " (marked by " + var.name()
                        + ") is declared but never defined in the object's BTF");
            }
            if (!(target instanceof BtfType.Composite c)) {
                throw new SkeletonException("export marker " + var.name() + " must point to a struct, but points to " + btf.cName(p.type()));
            }
            marked.put(c.id(), c);
        }
        // in BTF order, as ecc lists them (it filters bpftool's struct list by the header's names)
        for (BtfType.Composite c : marked.values()) {
            done.add(c.id());
            types.add(exportType(c));
        }
        JsonNode extra = config.path("export_types");
        if (!extra.isMissingNode() && !extra.isArray()) {
            throw new SkeletonException("build config export_types must be a list of struct names");
        }
        for (JsonNode n : extra) {
            String name = n.asText();
            int id = btf.findByName(name, BtfKind.STRUCT).orElseThrow(() -> new SkeletonException(
                    "export type struct " + name + " (named in the build config) is not in the object's BTF;"
                            + " use it in the program or add: struct " + name + " *__eunomia_dummy_" + name + "_ptr __attribute__((unused));"));
            if (done.add(id)) {
                types.add(exportType((BtfType.Composite) btf.type(id)));
            }
        }
        return types;
    }

    private ExportType exportType(BtfType.Composite c) {
        ExportType e = new ExportType();
        e.name = c.name();
        e.size = c.size();
        e.typeId = c.id();
        for (BtfType.Member bm : c.members()) {
            Member m = new Member();
            m.name = bm.name();
            m.type = btf.cName(bm.type());
            m.size = (int) btf.sizeOf(bm.type());
            m.offset = bm.bitOffset() / 8;
            if (bm.isBitfield()) {
                m.bitOffset = bm.bitOffset();
                m.bitSize = bm.bitfieldSize();
            }
            e.members.add(m);
        }
        return e;
    }

    // ---- config plumbing ---------------------------------------------------------------------

    private static ObjectNode pruneToSymbols(ObjectNode docs, ElfFile elf) {
        Set<String> symbols = new java.util.HashSet<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (s.sectionIndex() != 0) {
                symbols.add(s.name());
            }
        }
        for (String section : List.of("variables", "maps", "progs")) {
            if (docs.get(section) instanceof ObjectNode entries) {
                entries.properties().removeIf(e -> !symbols.contains(e.getKey()));
            }
        }
        return docs;
    }

    /** Deep merge: objects merge key by key, anything else in {@code over} replaces. */
    static ObjectNode merge(ObjectNode base, JsonNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mine = base.get(e.getKey());
            if (mine instanceof ObjectNode mo && e.getValue().isObject()) {
                merge(mo, e.getValue());
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return base;
    }

    private Meta mergeMeta(Meta meta, JsonNode extra) {
        ObjectNode merged = PackageWriter.JSON.valueToTree(meta);
        merged.setAll((ObjectNode) requireObject(extra, "meta"));
        return treeToValue(merged, Meta.class, "meta");
    }

    private static JsonNode requireObject(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new SkeletonException("build config " + where + " must be a JSON object, not " + node.getNodeType());
        }
        return node;
    }

    private static <T> T treeToValue(JsonNode node, Class<T> type, String where) {
        try {
            return PackageWriter.JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new SkeletonException("build config " + where + ": " + e.getOriginalMessage().replace('\n', ' '), e);
        }
    }
}
