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
 * {@code vmlinux.h} for CO-RE programs, in the build's cache directory: generated from BTF with
 * {@code bpftool btf dump ... format c} ({@link #ensure}), or a copy of a header the user pins ({@link #pin}). A stamp
 * beside it records where it came from ({@code btf:SHA256} or {@code file:SHA256}), so a new kernel, or another pinned
 * header, replaces it.
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
                    ? " (kernel without CONFIG_DEBUG_INFO_BTF? pass --btf FILE, or --vmlinux FILE)" : "";
            throw new BuildException("cannot read BTF " + btfPath + ": " + e.getMessage() + hint, e);
        }
        String stamp = "btf:" + sha256(btfBytes);
        Path header = cacheDir.resolve(FILE_NAME);
        if (stamped(cacheDir, stamp)) return header;
        try {
            Btf.read(btfPath);
        } catch (BtfException e) {
            throw new BuildException("not usable as BTF: " + e.getMessage(), e);
        }
        HostTool bpftool = HostTool.require("bpftool", "bpftool", "to generate vmlinux.h from " + btfPath
                + "; or put a vmlinux.h next to the .bpf.c, or pass --vmlinux FILE");
        return write(cacheDir, stamp, tmp -> {
            HostTool.Result r = bpftool.runTo(List.of("btf", "dump", "file", btfPath.toString(), "format", "c"), tmp);
            if (!r.ok() || Files.size(tmp) == 0) {
                throw new BuildException("bpftool could not dump " + btfPath + " as C (exit " + r.exitCode() + ")", r.output(), null);
            }
        });
    }

    /** Makes {@code cacheDir/vmlinux.h} a copy of {@code file} (the header the user pinned); returns the copy's path. */
    public static Path pin(Path file, Path cacheDir) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BuildException("cannot read vmlinux.h " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0) throw new BuildException("vmlinux.h " + file + " is empty");
        String stamp = "file:" + sha256(bytes);
        if (stamped(cacheDir, stamp)) return cacheDir.resolve(FILE_NAME);
        return write(cacheDir, stamp, tmp -> Files.write(tmp, bytes));
    }

    /** The SHA-256 of a header, as the build records it. */
    public static String sha256Of(Path header) {
        try {
            return sha256(Files.readAllBytes(header));
        } catch (IOException e) {
            throw new BuildException("cannot read " + header + ": " + e.getMessage(), e);
        }
    }

    private static boolean stamped(Path cacheDir, String stamp) {
        Path header = cacheDir.resolve(FILE_NAME);
        Path file = cacheDir.resolve(STAMP_NAME);
        try {
            return Files.isRegularFile(header) && Files.isRegularFile(file)
                    && Files.readString(file, StandardCharsets.UTF_8).strip().equals(stamp);
        } catch (IOException e) {
            return false; // unreadable stamp: make the header again
        }
    }

    private interface Fill {
        void into(Path tmp) throws IOException;
    }

    private static Path write(Path cacheDir, String stamp, Fill fill) {
        Path header = cacheDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, ".vmlinux", ".h.tmp");
            try {
                fill.into(tmp);
                Files.move(tmp, header, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.writeString(cacheDir.resolve(STAMP_NAME), stamp + "\n", StandardCharsets.UTF_8);
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
