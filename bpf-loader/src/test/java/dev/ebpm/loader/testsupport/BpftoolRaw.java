package dev.ebpm.loader.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** bpftool's view of a BTF file ({@code bpftool btf dump file F format raw}): the oracle for the BTF reader. */
public final class BpftoolRaw {
    public record Member(String name, int typeId, int bitsOffset, int bitfieldSize) {}

    public record Entry(int id, String kind, String name, long size, List<Member> members) {}

    private static final Pattern TYPE = Pattern.compile("^\\[(\\d+)\\] (\\w+) '([^']*)'(.*)$");
    private static final Pattern MEMBER = Pattern.compile(
            "^\\s+'([^']*)' type_id=(\\d+) bits_offset=(\\d+)(?: bitfield_size=(\\d+))?$");
    private static final Pattern SIZE = Pattern.compile("\\bsize=(\\d+)");

    private final Map<Integer, Entry> byId = new HashMap<>();
    private final Map<String, Entry> structsByName = new HashMap<>();

    private BpftoolRaw() {}

    public static BpftoolRaw dump(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", file.toString(), "format", "raw")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("bpftool failed: " + new String(out, StandardCharsets.UTF_8));
        }
        BpftoolRaw raw = new BpftoolRaw();
        Entry current = null;
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                Matcher s = SIZE.matcher(t.group(4));
                long size = s.find() ? Long.parseLong(s.group(1)) : -1;
                current = new Entry(Integer.parseInt(t.group(1)), t.group(2), t.group(3), size, new ArrayList<>());
                raw.byId.put(current.id(), current);
                if (current.kind().equals("STRUCT") || current.kind().equals("UNION")) {
                    raw.structsByName.putIfAbsent(current.name(), current);
                }
                continue;
            }
            Matcher m = MEMBER.matcher(line);
            if (m.matches() && current != null) {
                current.members().add(new Member(m.group(1), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4))));
            }
        }
        return raw;
    }

    public Entry byId(int id) {
        return byId.get(id);
    }

    public Entry struct(String name) {
        return structsByName.get(name);
    }

    public int count() {
        return byId.size();
    }
}
