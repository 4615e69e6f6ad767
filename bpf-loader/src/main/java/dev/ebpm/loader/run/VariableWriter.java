package dev.ebpm.loader.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebpm.loader.BpfException;
import dev.ebpm.loader.ProgramOptionException;
import dev.ebpm.loader.event.Field;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encodes a variable's value (command-line text or JSON) into its data section, type-checked. */
final class VariableWriter {
    private VariableWriter() {}

    static void write(ByteBuffer section, Field f, String value, String varName) {
        if (f.offset() < 0 || (long) f.offset() + f.size() > section.capacity()) {
            throw new BpfException("variable '" + varName + "' at offset " + f.offset() + " (" + f.size() + " bytes) lies outside its "
                    + section.capacity() + "-byte section");
        }
        switch (f.kind()) {
            case BOOL -> {
                if (!value.equals("true") && !value.equals("false") && !value.equals("1") && !value.equals("0")) {
                    throw new ProgramOptionException("option --" + varName + " expects true or false, got '" + value + "'");
                }
                section.put(f.offset(), (byte) (value.equals("true") || value.equals("1") ? 1 : 0));
            }
            case CHAR_ARRAY -> {
                byte[] b = value.getBytes(StandardCharsets.UTF_8);
                if (b.length >= f.size()) {
                    throw new ProgramOptionException("option --" + varName + " is at most " + (f.size() - 1) + " bytes, got " + b.length);
                }
                for (int i = 0; i < f.size(); i++) section.put(f.offset() + i, i < b.length ? b[i] : 0);
            }
            case ENUM -> {
                Long v = null;
                for (Map.Entry<Long, String> e : f.enumNames().entrySet()) {
                    if (e.getValue().equals(value)) v = e.getKey();
                }
                if (v == null) v = parseInt(value, f, varName);
                putInt(section, f, v);
            }
            case INT -> putInt(section, f, parseInt(value, f, varName));
            default -> throw new BpfException("variable '" + varName + "' has type " + f.cType() + ", which cannot be set from the command line");
        }
    }

    static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    private static long parseInt(String value, Field f, String varName) {
        BigInteger v;
        try {
            v = value.startsWith("0x") || value.startsWith("0X") ? new BigInteger(value.substring(2), 16) : new BigInteger(value);
        } catch (NumberFormatException e) {
            throw new ProgramOptionException("option --" + varName + " expects an integer (" + f.cType() + "), got '" + value + "'");
        }
        int bits = Math.min(f.size(), 8) * 8;
        BigInteger min = f.signed() ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = f.signed() ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE) : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new ProgramOptionException("option --" + varName + " is out of range for " + f.cType() + ": " + value + " (allowed " + min + ".." + max + ")");
        }
        return v.longValue();
    }

    private static void putInt(ByteBuffer b, Field f, long v) {
        switch (f.size()) {
            case 1 -> b.put(f.offset(), (byte) v);
            case 2 -> b.putShort(f.offset(), (short) v);
            case 4 -> b.putInt(f.offset(), (int) v);
            case 8 -> b.putLong(f.offset(), v);
            default -> throw new BpfException("cannot set a " + f.size() + "-byte integer from the command line");
        }
    }
}
