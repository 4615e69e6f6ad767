package dev.ebpm.loader.build;

import dev.ebpm.loader.btf.Btf;
import dev.ebpm.loader.btf.BtfException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code vmlinux.h} for CO-RE programs, generated from BTF with {@code bpftool btf dump ... format c}
 * and cached under the build directory, keyed by the BTF's SHA-256 so a new kernel regenerates it.
 */
public final class VmlinuxHeader {
    public static final String FILE_NAME = "vmlinux.h";
    private static final String STAMP_NAME = "vmlinux.h.sha256";

    private VmlinuxHeader() {}

    /** The BTF the build uses: the given file, else env BTF_FILE_PATH, else the running kernel's. */
    public static Path btfSource(Optional<Path> btfFile) {
        if (btfFile.isPresent()) {
            return btfFile.get();
        }
        String env = System.getenv("BTF_FILE_PATH");
        return env != null && !env.isBlank() ? Path.of(env) : Btf.KERNEL_BTF;
    }

    /** Makes sure {@code cacheDir/vmlinux.h} matches the BTF; returns the header's path. */
    public static Path ensure(Optional<Path> btfFile, Path cacheDir) {
        Path btfPath = btfSource(btfFile);
        byte[] btfBytes;
        try {
            btfBytes = Files.readAllBytes(btfPath);
        } catch (IOException e) {
            String hint = btfFile.isEmpty() && btfPath.equals(Btf.KERNEL_BTF)
                    ? " (kernel without CONFIG_DEBUG_INFO_BTF? pass --btf FILE)" : "";
            throw new BuildException("cannot read BTF " + btfPath + ": " + e.getMessage() + hint, e);
        }
        String digest = sha256(btfBytes);
        Path header = cacheDir.resolve(FILE_NAME);
        Path stamp = cacheDir.resolve(STAMP_NAME);
        try {
            if (Files.isRegularFile(header) && Files.isRegularFile(stamp)
                    && Files.readString(stamp, StandardCharsets.UTF_8).strip().equals(digest)) {
                return header;
            }
        } catch (IOException e) {
            // unreadable stamp: regenerate
        }
        try {
            Btf.read(btfPath);
        } catch (BtfException e) {
            throw new BuildException("not usable as BTF: " + e.getMessage(), e);
        }
        HostTool bpftool = HostTool.require("bpftool", "bpftool", "to generate vmlinux.h from " + btfPath
                + "; or put a vmlinux.h next to the .bpf.c");
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, ".vmlinux", ".h.tmp");
            try {
                HostTool.Result r = bpftool.runTo(List.of("btf", "dump", "file", btfPath.toString(), "format", "c"), tmp);
                if (!r.ok() || Files.size(tmp) == 0) {
                    throw new BuildException("bpftool could not dump " + btfPath + " as C (exit " + r.exitCode() + ")", r.output(), null);
                }
                Files.move(tmp, header, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.writeString(stamp, digest + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BuildException("cannot write " + header + ": " + e.getMessage(), e);
        }
        return header;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
