package dev.ebpm.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes ustar entries with fixed metadata (mtime 0, uid/gid 0, no user names) so archives are reproducible: the
 * {@code .ebpm} archives, and the OCI image-layout bundles of {@code ebpm export}.
 */
public final class TarWriter {
    static final int BLOCK = 512;
    static final int FILE_MODE = 0644;
    static final int DIR_MODE = 0755;

    private final OutputStream out;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    public void directory(String path) throws IOException {
        out.write(header(path + "/", '5', DIR_MODE, 0));
    }

    /** Writes a regular file of exactly {@code size} bytes taken from {@code content}. */
    public void file(String path, long size, InputStream content) throws IOException {
        out.write(header(path, '0', FILE_MODE, size));
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = content.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new InvalidPackageException("file " + Quote.of(path) + ": shorter than " + size + " bytes (changed while packing?)");
            }
            out.write(buf, 0, n);
            left -= n;
        }
        if (content.read() >= 0) {
            throw new InvalidPackageException("file " + Quote.of(path) + ": longer than " + size + " bytes (changed while packing?)");
        }
        pad(size);
    }

    public void file(String path, byte[] content) throws IOException {
        out.write(header(path, '0', FILE_MODE, content.length));
        out.write(content);
        pad(content.length);
    }

    /** Writes a header as given, for tests that build hostile archives. */
    void rawEntry(String name, char type, long size, String linkName, byte[] content) throws IOException {
        byte[] h = header(name, type, FILE_MODE, size);
        if (linkName != null) {
            put(h, 157, 100, linkName.getBytes(StandardCharsets.ISO_8859_1));
            checksum(h);
        }
        out.write(h);
        if (content != null) {
            out.write(content);
            pad(content.length);
        }
    }

    public void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % BLOCK);
        if (rem != 0) out.write(new byte[BLOCK - rem]);
    }

    static byte[] header(String name, char type, int mode, long size) {
        byte[] h = new byte[BLOCK];
        byte[] full = name.getBytes(StandardCharsets.ISO_8859_1);
        if (full.length <= 100) {
            put(h, 0, 100, full);
        } else {
            // ustar splits long names at a '/' into prefix (155) and name (100)
            int cut = -1;
            for (int i = full.length - 1; i > 0; i--) {
                if (full[i] == '/' && i <= 155 && full.length - i - 1 <= 100 && full.length - i - 1 > 0) {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) {
                throw new InvalidPackageException("file " + Quote.of(name) + ": path too long for a ustar header");
            }
            put(h, 0, 100, Arrays.copyOfRange(full, cut + 1, full.length));
            put(h, 345, 155, Arrays.copyOfRange(full, 0, cut));
        }
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        h[156] = (byte) type;
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        checksum(h);
        return h;
    }

    private static void checksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        String s = String.format("%06o", sum);
        put(h, 148, 6, s.getBytes(StandardCharsets.US_ASCII));
        h[154] = 0;
        h[155] = ' ';
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) {
            throw new InvalidPackageException("tar field value " + v + " too large for a ustar header");
        }
        s = "0".repeat(len - 1 - s.length()) + s;
        put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
        h[off + len - 1] = 0;
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        if (v.length > len) throw new IllegalArgumentException("tar field overflow");
        Arrays.fill(h, off, off + len, (byte) 0);
        System.arraycopy(v, 0, h, off, v.length);
    }
}
