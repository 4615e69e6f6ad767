package dev.ebpm.core.runs;

import dev.ebpm.core.run.RunException;
import dev.ebpm.core.run.RunnablePackage;
import dev.ebpm.loader.skeleton.PackageReader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bytes of a located and verified package as a detached run keeps them: {@code NAME.skel.json} beside
 * {@code NAME.bpf.o}, or {@code NAME.wasm}. The CLI makes one from what it located, the daemon writes it into the run's
 * directory and loads it from there, again after a restart: never the name, which may resolve to something else later.
 */
public record PackageCopy(Map<String, byte[]> files) {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    public PackageCopy {
        files = Map.copyOf(files);
        if (files.isEmpty()) throw new RunException("a run needs its package's files");
        for (String f : files.keySet()) checkFileName(f);
        if (mainFileOf(files) == null) throw new RunException("a run's package is a NAME.skel.json with its NAME.bpf.o, or a NAME.wasm");
    }

    /** A file name of a package copy: no directories, nothing hidden. @throws RunException */
    static String checkFileName(String f) {
        if (f == null || !FILE_NAME.matcher(f).matches() || f.contains("..")) {
            throw new RunException("a run's package file may not be called '" + RunId.printable(f) + "'");
        }
        return f;
    }

    /** The package as the CLI located it. */
    public static PackageCopy of(RunnablePackage located) {
        String stem = located.name().replaceAll("[^A-Za-z0-9_-]", "_");
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (located.isWasm()) {
            files.put(stem + ".wasm", located.wasm());
        } else {
            try {
                files.put(stem + ".skel.json", PackageReader.JSON.writeValueAsBytes(located.bpf().pkg().meta));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new RunException("cannot write the package's skeleton: " + e.getOriginalMessage());
            }
            files.put(stem + ".bpf.o", located.bpf().elf());
        }
        return new PackageCopy(files);
    }

    /** The file a run is given as PKG: the .skel.json or the .wasm. */
    public String mainFile() {
        return mainFileOf(files);
    }

    private static String mainFileOf(Map<String, byte[]> files) {
        for (String f : files.keySet()) {
            if (f.endsWith(".wasm") && files.size() == 1) return f;
            if (f.endsWith(".skel.json") && files.size() == 2 && files.containsKey(f.substring(0, f.length() - ".skel.json".length()) + ".bpf.o")) return f;
        }
        return null;
    }

    /** The package, decoded again (each step checked, as for a file given on the command line). */
    public RunnablePackage decode(String name, String version, String origin) {
        String main = mainFile();
        if (main.endsWith(".wasm")) return new RunnablePackage(name, version, origin, null, files.get(main));
        byte[] elf = files.get(main.substring(0, main.length() - ".skel.json".length()) + ".bpf.o");
        return new RunnablePackage(name, version, origin, PackageReader.readBare(files.get(main), elf, origin), null);
    }

    /** File -> SHA-256 (hex), recorded when the run starts and checked before it starts again. */
    public Map<String, String> sha256() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) out.put(e.getKey(), sha256(e.getValue()));
        return out;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
