package dev.ebpm.loader.event;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Which members of an event struct hold IP addresses, and how they read. The rule (docs/commands.md, "Event output"):
 * in a struct with an integer member named {@code family} (AF_INET 2 or AF_INET6 10, as eunomia's tcpstates has), an
 * integer member of 4 or 16 bytes whose name ends in {@code addr} is an address, its bytes in network order as the
 * kernel keeps them (an IPv4 address in the first 4 of 16); the 2-byte member named the same with {@code port} for
 * {@code addr} ({@code sport} for {@code saddr}) is its port, in host order. Any other family leaves the raw value.
 */
final class AddressFields {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private final Field family;
    private final boolean[] address;
    private final Field[] port;

    private AddressFields(Field family, boolean[] address, Field[] port) {
        this.family = family;
        this.address = address;
        this.port = port;
    }

    static AddressFields of(List<Field> fields) {
        boolean[] address = new boolean[fields.size()];
        Field[] port = new Field[fields.size()];
        Field family = fields.stream().filter(f -> f.name().equals("family") && f.kind() == Field.Kind.INT && f.bitSize() == 0).findFirst().orElse(null);
        if (family == null) return new AddressFields(null, address, port);
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.kind() != Field.Kind.INT || f.bitSize() != 0 || (f.size() != 4 && f.size() != 16) || !f.name().endsWith("addr")) continue;
            address[i] = true;
            String portName = f.name().substring(0, f.name().length() - 4) + "port";
            for (Field p : fields) {
                if (p.name().equals(portName) && p.kind() == Field.Kind.INT && p.size() == 2 && p.bitSize() == 0) port[i] = p;
            }
        }
        return new AddressFields(family, address, port);
    }

    boolean isAddress(int index) {
        return address[index];
    }

    /**
     * Appends field {@code index} of the event at {@code base} as an address ({@code 127.0.0.1}, {@code ::1}), with
     * {@code :port} ({@code [::1]:port} for IPv6) when {@code withPort} and the struct has its port; false, having
     * written nothing, when the family is neither IPv4 nor IPv6 or does not fit the member.
     */
    boolean write(int index, List<Field> fields, ByteBuffer b, int base, int length, TextSink out, boolean withPort) {
        if (!readable(index, fields, b, base, length)) return false;
        Field f = fields.get(index);
        long af = EventFormatter.readInt(b, base + family.offset(), family.size(), false);
        int at = base + f.offset();
        Field p = withPort ? port[index] : null;
        boolean withPortHere = p != null && p.offset() + p.size() <= length;
        if (af == AF_INET) {
            ipv4(b, at, out);
            if (withPortHere) out.ch(':').dec(EventFormatter.readInt(b, base + p.offset(), 2, false));
            return true;
        }
        if (withPortHere) out.ch('[');
        ipv6(b, at, out);
        if (withPortHere) out.ascii("]:").dec(EventFormatter.readInt(b, base + p.offset(), 2, false));
        return true;
    }

    /** Whether the event at {@code base} holds field {@code index} and a family it can be read as (IPv4, or IPv6 in 16 bytes). */
    boolean readable(int index, List<Field> fields, ByteBuffer b, int base, int length) {
        Field f = fields.get(index);
        if (!address[index] || family.offset() + family.size() > length || f.offset() + f.size() > length) return false;
        long af = EventFormatter.readInt(b, base + family.offset(), family.size(), false);
        return af == AF_INET || af == AF_INET6 && f.size() == 16;
    }

    private static void ipv4(ByteBuffer b, int at, TextSink out) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) out.ch('.');
            out.dec(b.get(at + i) & 0xff);
        }
    }

    /** RFC 5952 text: lower-case hex groups, the longest run of two or more zero groups as "::", ::ffff:a.b.c.d for IPv4-mapped. */
    private static void ipv6(ByteBuffer b, int at, TextSink out) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b.get(at + 2 * i) & 0xff) << 8 | (b.get(at + 2 * i + 1) & 0xff);
        if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
            out.ascii("::ffff:");
            ipv4(b, at + 12, out);
            return;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.ascii("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) out.ch(':');
            out.ascii(Integer.toHexString(g[i]));
        }
    }
}
