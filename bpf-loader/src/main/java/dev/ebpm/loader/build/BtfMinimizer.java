package dev.ebpm.loader.build;

import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfException;
import dev.ebpm.loader.btf.BtfHubKernel;
import dev.ebpm.loader.skeleton.PackageWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code ebpm build --btfgen}: what Inspektor Gadget and ecc do with {@code bpftool gen min_core_btf}. Each kernel's
 * BTF in a btfhub-archive directory ({@code ID/VERSION_ID/ARCH/RELEASE.btf}, or {@code .btf.tar.xz} as btfhub ships
 * them) is cut down to the types the object's CO-RE relocations use, and the results go into package.json's
 * {@code btf_archive}, where {@code ebpm run} finds the one for a kernel without /sys/kernel/btf/vmlinux.
 */
public final class BtfMinimizer {
    private static final String BTF = ".btf";
    private static final String TAR_XZ = ".btf.tar.xz";

    /** What was embedded: how many kernels, their minimized size in total, and the size of the BTF they came from. */
    public record Embedded(int kernels, long bytes, long fullBytes) {}

    private BtfMinimizer() {}

    /** Minimizes every kernel's BTF of {@code archive} for the built object and rewrites its package.json with them. */
    public static Embedded embed(PackageBuilder.Result built, Path archive) {
        Map<String, Path> kernels = kernels(archive);
        HostTool bpftool = HostTool.require("bpftool", "bpftool", "to minimize BTF (bpftool gen min_core_btf)");
        SortedMap<String, byte[]> minimized = new ConcurrentSkipListMap<>();
        AtomicLong full = new AtomicLong();
        Path work;
        try {
            work = Files.createTempDirectory(built.object().getParent(), ".btfgen");
        } catch (IOException e) {
            throw new BuildException("cannot create a work directory in " + built.object().getParent() + ": " + e.getMessage(), e);
        }
        try {
            List<Map.Entry<String, Path>> entries = new ArrayList<>(kernels.entrySet());
            // one bpftool per kernel; a btfhub archive holds thousands
            java.util.stream.IntStream.range(0, entries.size()).parallel().forEach(i -> {
                Map.Entry<String, Path> e = entries.get(i);
                Path dir = work.resolve(Integer.toString(i));
                Path btf = unpacked(e.getValue(), dir);
                Path out = dir.resolve("min.btf");
                HostTool.Result r = bpftool.run(List.of("gen", "min_core_btf", btf.toString(), out.toString(),
                        built.object().toString()), dir);
                if (!r.ok()) {
                    throw new BuildException("bpftool gen min_core_btf failed for " + e.getValue() + " (exit " + r.exitCode() + ")", r.output(), null);
                }
                try {
                    byte[] bytes = Files.readAllBytes(out);
                    Btf.parse(bytes);
                    minimized.put(e.getKey(), bytes);
                    full.addAndGet(Files.size(btf));
                } catch (IOException x) {
                    throw new BuildException("cannot read " + out + ": " + x.getMessage(), x);
                } catch (BtfException x) {
                    throw new BuildException("bpftool's minimized BTF for " + e.getValue() + " is not usable: " + x.getMessage(), x);
                }
            });
        } finally {
            deleteTree(work);
        }
        SortedMap<String, String> encoded = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, byte[]> e : minimized.entrySet()) {
            encoded.put(e.getKey(), PackageWriter.encodeObject(e.getValue()));
            total += e.getValue().length;
        }
        built.pkg().btfArchive = encoded;
        try {
            PackageWriter.write(built.pkg(), built.packageJson());
        } catch (IOException e) {
            throw new BuildException("cannot write " + built.packageJson() + ": " + e.getMessage(), e);
        }
        return new Embedded(encoded.size(), total, full.get());
    }

    /** Archive key ({@code ID/VERSION_ID/ARCH/RELEASE}) to file, for every BTF file of a btfhub-layout directory. */
    static Map<String, Path> kernels(Path archive) {
        if (!Files.isDirectory(archive)) {
            throw new BuildException("btfhub archive " + archive + " is not a directory");
        }
        Map<String, Path> kernels = new TreeMap<>();
        try (Stream<Path> s = Files.walk(archive)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                String rel = archive.relativize(p).toString().replace('\\', '/');
                String key = rel.endsWith(TAR_XZ) ? rel.substring(0, rel.length() - TAR_XZ.length())
                        : rel.endsWith(BTF) ? rel.substring(0, rel.length() - BTF.length()) : null;
                if (key == null) continue;
                if (BtfHubKernel.parse(key).isEmpty()) {
                    throw new BuildException("btfhub archive " + archive + ": " + rel + " is not at ID/VERSION_ID/ARCH/RELEASE" + BTF
                            + " (e.g. ubuntu/20.04/x86_64/5.4.0-1012-aws" + TAR_XZ + ")");
                }
                kernels.putIfAbsent(key, p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BuildException("cannot read btfhub archive " + archive + ": " + e.getMessage(), e);
        }
        if (kernels.isEmpty()) {
            throw new BuildException("btfhub archive " + archive + " holds no BTF (expected ID/VERSION_ID/ARCH/RELEASE" + BTF
                    + " or " + TAR_XZ + " files)");
        }
        return kernels;
    }

    /** The raw BTF file: {@code file} itself, or the one btfhub's .tar.xz holds, unpacked into {@code dir}. */
    private static Path unpacked(Path file, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BuildException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        if (!file.getFileName().toString().endsWith(TAR_XZ)) return file;
        HostTool tar = HostTool.require("tar", "tar", "to unpack " + file.getFileName());
        HostTool.Result r = tar.run(List.of("-xJf", file.toString(), "-C", dir.toString()), dir);
        if (!r.ok()) {
            throw new BuildException("cannot unpack " + file + " (tar -xJ exit " + r.exitCode() + "; xz comes with the Debian package 'xz-utils')",
                    r.output(), null);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(BTF)).findFirst()
                    .orElseThrow(() -> new BuildException(file + " holds no *" + BTF + " file"));
        } catch (IOException e) {
            throw new BuildException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary directory under .output is harmless
        }
    }
}
