package dev.ebpm.loader.run;

import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.btf.BtfHubKernel;
import dev.ebpm.loader.skeleton.EunomiaPackage;
import dev.ebpm.loader.skeleton.PackageReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/**
 * The running kernel's BTF out of package.json's {@code btf_archive} ({@code ebpm build --btfgen}), for a kernel
 * without /sys/kernel/btf/vmlinux: chosen by distribution, version, machine and release as btfhub files them, and
 * written to a temporary file for libbpf's {@code btf_custom_path} until the object is loaded.
 */
final class EmbeddedBtf implements AutoCloseable {
    private final Path file;

    private EmbeddedBtf(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The BTF for {@code kernel}, or a one-line error naming the kernel and what the archive holds. */
    static EmbeddedBtf forKernel(SortedMap<String, String> archive, BtfHubKernel kernel, String name) {
        String encoded = archive.get(kernel.key());
        if (encoded == null) {
            List<String> held = List.copyOf(archive.keySet());
            throw new BpfException(name + ": this kernel (" + kernel + ") has no BTF at " + KernelSupport.VMLINUX_BTF
                    + ", and the BTF archive embedded in its package.json has none for it (it holds " + held.size()
                    + (held.size() == 1 ? " kernel: " : " kernels, e.g. ") + held.get(0)
                    + "); pass --btf FILE, or rebuild with this kernel's BTF in the archive (ebpm build --btfgen)");
        }
        byte[] btf = PackageReader.decodeField(encoded, "btf_archive[" + kernel.key() + "]", name);
        try {
            Path f = Files.createTempFile("ebpm-btf-", ".btf");
            Files.write(f, btf);
            return new EmbeddedBtf(f);
        } catch (IOException e) {
            throw new BpfException(name + ": cannot write the embedded BTF for " + kernel + " to a temporary file: " + e.getMessage());
        }
    }

    static boolean has(EunomiaPackage pkg) {
        return pkg.btfArchive != null && !pkg.btfArchive.isEmpty();
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover file in the temporary directory is harmless
        }
    }
}
