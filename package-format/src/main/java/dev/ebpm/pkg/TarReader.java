package dev.ebpm.pkg;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads ustar headers and entry data, trusting nothing: checksums are verified and sizes handed to the caller to bound.
 * Reads the {@code .ebpm} archives, OCI image-layout bundles ({@code ebpm import}) and image layers (bpfman images).
 */
public final class TarReader {
    private static final int BLOCK = TarWriter.BLOCK;
    /** tar implementations pad to a record size (10 KiB by default); anything near a MiB is not padding. */
    private static final long MAX_TRAILING = 1 << 20;

    public record Header(String name, char type, long size, String linkName) {
        /** A regular file (ustar '0', or NUL in old archives). */
        public boolean isFile() {
            return type == '0' || type == '\0';
        }

        public String typeName() {
            return switch (type) {
                case '0', '\0' -> "regular file";
                case '7' -> "contiguous file";
                case '1' -> "hard link";
                case '2' -> "symlink";
                case '3' -> "character device";
                case '4' -> "block device";
                case '5' -> "directory";
                case '6' -> "fifo";
                case 'x', 'g' -> "pax extended header";
                case 'L', 'K' -> "GNU long name";
                case 'S' -> "GNU sparse file";
                default -> "unknown type " + (type >= 0x20 && type < 0x7f ? "'" + type + "'" : String.format("0x%02x", (int) type));
            };
        }
    }

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private long padding;
    private long index;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** Next header, or null at the end-of-archive marker (a zero block). */
    public Header next() throws IOException {
        skipPadding();
        if (!readBlock(block)) {
            throw new InvalidPackageException("archive: truncated (no end-of-archive marker)");
        }
        index++;
        if (allZero(block)) return null;
        long stored;
        try {
            stored = parseOctal(block, 148, 8, "checksum");
        } catch (InvalidPackageException e) {
            throw new InvalidPackageException("archive: corrupt tar header #" + index + " (bad checksum field)");
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (block[i] & 0xff);
        }
        if (stored != sum) {
            throw new InvalidPackageException("archive: corrupt tar header #" + index + " (checksum mismatch)");
        }
        String magic = new String(block, 257, 6, StandardCharsets.ISO_8859_1);
        if (!magic.equals("ustar\0") && !magic.equals("ustar ")) {
            throw new InvalidPackageException("archive: tar header #" + index + " is not ustar");
        }
        String name = field(block, 0, 100);
        String prefix = field(block, 345, 155);
        if (!prefix.isEmpty() && magic.equals("ustar\0")) name = prefix + "/" + name;
        char type = (char) (block[156] & 0xff);
        long size = parseOctal(block, 124, 12, "size of " + Quote.of(name));
        String link = field(block, 157, 100);
        return new Header(name, type, size, link);
    }

    /** Reads exactly {@code size} bytes of the current entry; the caller has already bounded size. */
    public byte[] readData(String name, long size) throws IOException {
        byte[] data = new byte[Math.toIntExact(size)];
        int off = 0;
        while (off < data.length) {
            int n = in.read(data, off, data.length - off);
            if (n < 0) {
                throw new InvalidPackageException("archive entry " + Quote.of(name) + ": truncated (declares " + size + " bytes, archive ends after " + off + ")");
            }
            off += n;
        }
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return data;
    }

    /** Copies exactly {@code size} bytes of the current entry to {@code out} (an entry too large to hold in memory). */
    public void copyData(String name, long size, java.io.OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new InvalidPackageException("archive entry " + Quote.of(name) + ": truncated (declares " + size + " bytes, archive ends after " + (size - left) + ")");
            }
            out.write(buf, 0, n);
            left -= n;
        }
        padding = (BLOCK - size % BLOCK) % BLOCK;
    }

    /** Skips the current entry's data. */
    public void skipData(String name, long size) throws IOException {
        copyData(name, size, java.io.OutputStream.nullOutputStream());
    }

    /** After the end marker only zero padding may follow; reading to the end also makes gzip check its CRC. */
    public void finish() throws IOException {
        skipPadding();
        byte[] buf = new byte[8192];
        long trailing = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            trailing += n;
            if (trailing > MAX_TRAILING) throw new InvalidPackageException("archive: more than " + MAX_TRAILING + " bytes after the end-of-archive marker");
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) throw new InvalidPackageException("archive: data after the end-of-archive marker");
            }
        }
    }

    private void skipPadding() throws IOException {
        while (padding > 0) {
            if (in.read() < 0) throw new InvalidPackageException("archive: truncated");
            padding--;
        }
    }

    private boolean readBlock(byte[] b) throws IOException {
        int off = 0;
        while (off < BLOCK) {
            int n = in.read(b, off, BLOCK - off);
            if (n < 0) {
                if (off == 0) return false;
                throw new EOFException("truncated tar header");
            }
            off += n;
        }
        return true;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private long parseOctal(byte[] b, int off, int len, String what) {
        if ((b[off] & 0x80) != 0) {
            throw new InvalidPackageException("archive: tar header #" + index + ": " + what + " uses base-256 encoding (entry too large)");
        }
        int i = off;
        int end = off + len;
        while (i < end && b[i] == ' ') i++;
        long v = 0;
        int digits = 0;
        for (; i < end && b[i] != 0 && b[i] != ' '; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 7) {
                throw new InvalidPackageException("archive: tar header #" + index + ": " + what + " is not octal");
            }
            v = v * 8 + d;
            if (++digits > 20) {
                throw new InvalidPackageException("archive: tar header #" + index + ": " + what + " is too large");
            }
        }
        return v;
    }
}
