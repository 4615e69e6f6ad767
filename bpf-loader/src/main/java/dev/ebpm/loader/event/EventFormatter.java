package dev.ebpm.loader.event;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.util.List;

/**
 * Prints decoded events the way ecli does: a table with a TIME column and upper-case headers, or
 * one JSON object per line. 128-bit integers print as decimal (strings in JSON), enums by name. Where the struct pairs
 * addresses with an address family ({@link AddressFields}), the table shows them as addresses (with their port), and
 * JSON adds {@code NAME_text} beside the raw value.
 */
public final class EventFormatter {
    public enum Mode { TABLE, JSON }

    private final EventLayout layout;
    private final Mode mode;
    private final int[] widths;
    private final AddressFields addresses;
    private long cachedSecond = -1;
    private final byte[] timeText = new byte[8];

    public EventFormatter(EventLayout layout, Mode mode) {
        this.layout = layout;
        this.mode = mode;
        List<Field> fields = layout.fields();
        widths = new int[fields.size()];
        addresses = AddressFields.of(fields);
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            int natural = switch (f.kind()) {
                case CHAR_ARRAY -> Math.min(16, f.size());
                case BOOL -> 5;
                case INT, ENUM -> f.size() <= 4 ? 6 : 10;
                default -> 8;
            };
            if (addresses.isAddress(i)) natural = 21; // 255.255.255.255:65535
            widths[i] = Math.max(f.name().length(), natural);
        }
    }

    public EventLayout layout() {
        return layout;
    }

    public void header(TextSink out) {
        if (mode != Mode.TABLE) return;
        out.ascii("TIME    ");
        List<Field> fields = layout.fields();
        for (int i = 0; i < fields.size(); i++) {
            String h = fields.get(i).name().toUpperCase(java.util.Locale.ROOT);
            out.ch(' ').ascii(h);
            if (i < fields.size() - 1) out.pad(widths[i] - h.length());
        }
        out.ch('\n');
    }

    /** Appends one event (one line) decoded from {@code b} at {@code base}. */
    public void format(ByteBuffer b, int base, int length, TextSink out) {
        List<Field> fields = layout.fields();
        if (mode == Mode.JSON) {
            out.ch('{');
            for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                if (i > 0) out.ch(',');
                out.ch('"').ascii(f.name()).ascii("\":");
                if (f.offset() + f.size() > length) out.ascii("null");
                else json(f, b, base + f.offset(), out);
                if (addresses.isAddress(i)) {
                    out.ascii(",\"").ascii(f.name()).ascii("_text\":");
                    if (!addresses.readable(i, fields, b, base, length)) {
                        out.ascii("null");
                    } else {
                        out.ch('"');
                        addresses.write(i, fields, b, base, length, out, false);
                        out.ch('"');
                    }
                }
            }
            out.ascii("}\n");
            return;
        }
        time(out);
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            out.ch(' ');
            int start = out.length();
            if (f.offset() + f.size() > length) out.ch('-');
            else if (!addresses.isAddress(i) || !addresses.write(i, fields, b, base, length, out, true)) text(f, b, base + f.offset(), out);
            if (i < fields.size() - 1) out.pad(widths[i] - (out.length() - start));
        }
        out.ch('\n');
    }

    /**
     * Appends field {@code index} of the event at {@code base} as the table shows it (strings unquoted, numbers in
     * decimal), or nothing if the record is too short to hold it; allocates nothing for integer and string fields.
     */
    public void fieldText(int index, ByteBuffer b, int base, int length, TextSink out) {
        Field f = layout.fields().get(index);
        if (f.offset() + f.size() <= length) text(f, b, base + f.offset(), out);
    }

    private void time(TextSink out) {
        long nowSec = System.currentTimeMillis() / 1000;
        if (nowSec != cachedSecond) {
            cachedSecond = nowSec;
            LocalTime t = LocalTime.now();
            String s = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
            for (int i = 0; i < 8; i++) timeText[i] = (byte) s.charAt(i);
        }
        for (byte c : timeText) out.raw(c);
    }

    private void text(Field f, ByteBuffer b, int at, TextSink out) {
        switch (f.kind()) {
            case CHAR_ARRAY -> cString(b, at, f.size(), out, false);
            case ARRAY -> array(f, b, at, out, false);
            case STRUCT -> out.ascii("{...}");
            default -> scalar(f, b, at, out, false);
        }
    }

    private void json(Field f, ByteBuffer b, int at, TextSink out) {
        switch (f.kind()) {
            case CHAR_ARRAY -> {
                out.ch('"');
                cString(b, at, f.size(), out, true);
                out.ch('"');
            }
            case ARRAY -> array(f, b, at, out, true);
            case STRUCT -> out.ascii("null");
            default -> scalar(f, b, at, out, true);
        }
    }

    private void array(Field f, ByteBuffer b, int at, TextSink out, boolean json) {
        Field e = f.element();
        out.ch('[');
        for (int i = 0; i < f.count(); i++) {
            if (i > 0) out.ch(',');
            int elemAt = at + i * e.size();
            if (e.kind() == Field.Kind.CHAR_ARRAY) {
                if (json) out.ch('"');
                cString(b, elemAt, e.size(), out, json);
                if (json) out.ch('"');
            } else if (e.kind() == Field.Kind.ARRAY) {
                array(e, b, elemAt, out, json);
            } else {
                scalar(e, b, elemAt, out, json);
            }
        }
        out.ch(']');
    }

    private void scalar(Field f, ByteBuffer b, int at, TextSink out, boolean json) {
        switch (f.kind()) {
            case BOOL -> out.ascii(b.get(at) != 0 ? "true" : "false");
            case FLOAT -> {
                double d = f.size() == 4 ? b.getFloat(at) : b.getDouble(at);
                out.ascii(Double.isFinite(d) ? Double.toString(d) : (json ? "null" : Double.toString(d)));
            }
            case POINTER -> {
                if (json) out.ch('"');
                out.ascii("0x").ascii(Long.toHexString(b.getLong(at)));
                if (json) out.ch('"');
            }
            case ENUM -> {
                long v = readInt(b, at, f.size(), f.signed());
                String name = f.enumNames().get(v);
                if (name == null) out.dec(v);
                else if (json) out.ch('"').ascii(name).ch('"');
                else out.ascii(name);
            }
            default -> {
                if (f.size() == 16) {
                    if (json) out.ch('"');
                    out.ascii(int128(b, at, f.signed()));
                    if (json) out.ch('"');
                } else if (f.bitSize() > 0) {
                    out.dec(bitfield(b, at, f));
                } else {
                    long v = readInt(b, at, f.size(), f.signed());
                    if (!f.signed() && f.size() == 8) out.udec(v);
                    else out.dec(v);
                }
            }
        }
    }

    static long readInt(ByteBuffer b, int at, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? b.get(at) : b.get(at) & 0xffL;
            case 2 -> signed ? b.getShort(at) : b.getShort(at) & 0xffffL;
            case 4 -> signed ? b.getInt(at) : b.getInt(at) & 0xffffffffL;
            default -> b.getLong(at);
        };
    }

    private static long bitfield(ByteBuffer b, int at, Field f) {
        long word = 0;
        int bytes = (f.bitOffset() + f.bitSize() + 7) / 8;
        for (int i = bytes - 1; i >= 0; i--) word = (word << 8) | (b.get(at + i) & 0xff);
        long v = word >>> f.bitOffset();
        if (f.bitSize() < 64) {
            v &= (1L << f.bitSize()) - 1;
            if (f.signed() && (v & (1L << (f.bitSize() - 1))) != 0) v |= -1L << f.bitSize();
        }
        return v;
    }

    private static String int128(ByteBuffer b, int at, boolean signed) {
        byte[] be = new byte[16];
        for (int i = 0; i < 16; i++) be[15 - i] = b.get(at + i); // little-endian in memory
        return signed ? new BigInteger(be).toString() : new BigInteger(1, be).toString();
    }

    private static void cString(ByteBuffer b, int at, int max, TextSink out, boolean json) {
        for (int i = 0; i < max; i++) {
            byte c = b.get(at + i);
            if (c == 0) return;
            if (json) {
                if (c == '"' || c == '\\') {
                    out.ch('\\').raw(c);
                    continue;
                }
                if (c >= 0 && c < 0x20) {
                    out.ascii("\\u00");
                    out.ch(Character.forDigit((c >> 4) & 0xf, 16)).ch(Character.forDigit(c & 0xf, 16));
                    continue;
                }
            } else if (c >= 0 && c < 0x20) {
                out.ch('?');
                continue;
            }
            out.raw(c);
        }
    }
}
