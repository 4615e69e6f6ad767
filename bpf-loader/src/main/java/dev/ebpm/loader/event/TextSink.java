package dev.ebpm.loader.event;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A growable byte buffer for building output lines without per-field allocation: numbers are
 * written digit by digit, strings copied byte by byte. Flushed to the real stream per batch.
 */
public final class TextSink {
    private byte[] buf = new byte[1 << 16];
    private int len;
    private final byte[] digits = new byte[20];

    public TextSink ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
        return this;
    }

    public TextSink ch(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    public TextSink raw(byte b) {
        ensure(1);
        buf[len++] = b;
        return this;
    }

    public TextSink dec(long v) {
        if (v == Long.MIN_VALUE) return ascii("-9223372036854775808");
        if (v < 0) {
            ch('-');
            v = -v;
        }
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        ensure(n);
        while (n > 0) buf[len++] = digits[--n];
        return this;
    }

    /** Unsigned 64-bit decimal. */
    public TextSink udec(long v) {
        if (v >= 0) return dec(v);
        return ascii(Long.toUnsignedString(v));
    }

    public TextSink pad(int spaces) {
        ensure(Math.max(0, spaces));
        for (int i = 0; i < spaces; i++) buf[len++] = ' ';
        return this;
    }

    public int length() {
        return len;
    }

    /** Byte {@code i} of what was written since the last reset. */
    public byte byteAt(int i) {
        if (i >= len) throw new IndexOutOfBoundsException(i + " >= " + len);
        return buf[i];
    }

    public void writeTo(OutputStream out) {
        try {
            out.write(buf, 0, len);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        len = 0;
    }

    public void reset() {
        len = 0;
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
}
