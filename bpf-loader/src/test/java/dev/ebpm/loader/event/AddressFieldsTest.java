package dev.ebpm.loader.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address rule on the bytes a tcpstates-shaped event holds: {@code unsigned __int128 saddr, daddr; __u16 family,
 * sport, dport}, and a u32 address beside them. The kernel side of the same rule is RunAddressesTest (ebpm-cli).
 */
class AddressFieldsTest {
    private static final List<Field> FIELDS = List.of(
            Field.scalar("saddr", "unsigned __int128", 0, 16, Field.Kind.INT, false),
            Field.scalar("daddr", "unsigned __int128", 16, 16, Field.Kind.INT, false),
            Field.scalar("family", "__u16", 32, 2, Field.Kind.INT, false),
            Field.scalar("sport", "__u16", 34, 2, Field.Kind.INT, false),
            Field.scalar("dport", "__u16", 36, 2, Field.Kind.INT, false),
            Field.scalar("laddr", "__u32", 40, 4, Field.Kind.INT, false));
    private static final EventLayout LAYOUT = new EventLayout("event", 44, FIELDS);

    private static ByteBuffer event(int family, byte[] saddr, byte[] daddr) {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, saddr);
        b.put(16, daddr);
        b.putShort(32, (short) family).putShort(34, (short) 40000).putShort(36, (short) 22);
        b.put(40, saddr, 0, 4);
        return b;
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    private static String render(EventFormatter.Mode mode, ByteBuffer b) {
        TextSink out = new TextSink();
        new EventFormatter(LAYOUT, mode).format(b, 0, 44, out);
        return out.toString();
    }

    @Test
    void ipv4WithItsPortInTheTableAndBesideTheRawValueInJson() {
        ByteBuffer b = event(AddressFields.AF_INET, bytes(127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), bytes(10, 1, 2, 254));
        List<String> columns = List.of(render(EventFormatter.Mode.TABLE, b).substring(9).trim().split(" +"));
        assertEquals(List.of("127.0.0.1:40000", "10.1.2.254:22", "2", "40000", "22", "127.0.0.1"), columns);
        assertEquals("{\"saddr\":\"16777343\",\"saddr_text\":\"127.0.0.1\",\"daddr\":\"4261544202\",\"daddr_text\":\"10.1.2.254\","
                + "\"family\":2,\"sport\":40000,\"dport\":22,\"laddr\":16777343,\"laddr_text\":\"127.0.0.1\"}\n", render(EventFormatter.Mode.JSON, b));
    }

    @Test
    void ipv6InItsShortestForm() {
        byte[] loopback = new byte[16];
        loopback[15] = 1;
        byte[] doc = bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x0a);
        String table = render(EventFormatter.Mode.TABLE, event(AddressFields.AF_INET6, loopback, doc));
        List<String> columns = List.of(table.substring(9).trim().split(" +"));
        assertEquals("[::1]:40000", columns.get(0));
        assertEquals("[2001:db8::1:0:0:a]:22", columns.get(1));
        assertEquals("0", columns.get(5), "a 4-byte member cannot hold an IPv6 address: its raw value (the first 4 bytes of ::1) stays");
        byte[] mapped = bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 0, 7);
        String json = render(EventFormatter.Mode.JSON, event(AddressFields.AF_INET6, mapped, bytes(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertEquals(true, json.contains("\"saddr_text\":\"::ffff:192.168.0.7\""), json);
        assertEquals(true, json.contains("\"daddr_text\":\"fe80::\""), json);
        assertEquals(true, json.contains("\"laddr_text\":null"), json);
    }

    @Test
    void anotherFamilyOrNoFamilyKeepsTheRawValue() {
        ByteBuffer unix = event(1, bytes(127, 0, 0, 1), bytes(10, 1, 2, 254));
        List<String> columns = List.of(render(EventFormatter.Mode.TABLE, unix).substring(9).trim().split(" +"));
        assertEquals("16777343", columns.get(0));
        assertEquals(true, render(EventFormatter.Mode.JSON, unix).contains("\"saddr_text\":null"));
        EventLayout noFamily = new EventLayout("event", 44, FIELDS.stream().filter(f -> !f.name().equals("family")).toList());
        TextSink out = new TextSink();
        new EventFormatter(noFamily, EventFormatter.Mode.JSON).format(event(AddressFields.AF_INET, bytes(127, 0, 0, 1), bytes(1, 1, 1, 1)), 0, 44, out);
        assertEquals(false, out.toString().contains("_text"), out.toString());
    }
}
