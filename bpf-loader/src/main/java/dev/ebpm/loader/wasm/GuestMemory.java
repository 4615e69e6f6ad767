package dev.ebpm.loader.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;

/**
 * The guest's linear memory as the host ABI sees it: every pointer and length coming from the
 * guest is checked against the memory's current size before the host reads or writes, so a bad
 * pointer ends the run with a message instead of reaching native code.
 */
final class GuestMemory {
    private static final int MAX_STRING = 4096;

    private final Memory memory;

    private GuestMemory(Memory memory) {
        this.memory = memory;
    }

    static GuestMemory of(Instance instance, String call) {
        Memory m = instance.memory(); // null when the module declares and imports none
        if (m == null) throw new WasmException(call + ": the guest has no linear memory");
        return new GuestMemory(m);
    }

    long size() {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /** Throws unless [ptr, ptr + length) lies inside the memory. */
    void check(long ptr, long length, String what, String call) {
        long size = size();
        if (ptr < 0 || length < 0 || ptr > size || length > size - ptr) {
            throw new WasmException(String.format("%s: %s at 0x%x (%d bytes) is outside the guest's memory of %d bytes",
                    call, what, ptr, length, size));
        }
    }

    byte[] read(long ptr, int length, String what, String call) {
        check(ptr, length, what, call);
        return memory.readBytes((int) ptr, length);
    }

    void write(long ptr, byte[] bytes, int offset, int length, String what, String call) {
        check(ptr, length, what, call);
        memory.write((int) ptr, bytes, offset, length);
    }

    /** A NUL-terminated UTF-8 string of at most 4 KiB. */
    String cString(long ptr, String what, String call) {
        long size = size();
        if (ptr < 0 || ptr >= size) check(ptr, 1, what, call);
        long end = Math.min(size, ptr + MAX_STRING);
        for (long p = ptr; p < end; p++) {
            if (memory.read((int) p) == 0) {
                return new String(memory.readBytes((int) ptr, (int) (p - ptr)), StandardCharsets.UTF_8);
            }
        }
        throw new WasmException(String.format("%s: %s at 0x%x has no terminating NUL within %d bytes",
                call, what, ptr, end - ptr));
    }
}
