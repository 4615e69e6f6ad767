package dev.ebpm.loader.internal;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * Ordered loads and stores on memory shared with the kernel (mmap'd ring and perf buffers),
 * by address. The callers own the bounds: every address comes from a live {@link Mmap}.
 */
public final class SharedMemory {
    private static final SharedMemory INSTANCE = new SharedMemory();
    private final Unsafe unsafe;

    private SharedMemory() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.Unsafe is unavailable", e);
        }
    }

    public static SharedMemory get() {
        return INSTANCE;
    }

    /** A load that later loads cannot move above (smp_load_acquire). */
    public long getLongAcquire(long address) {
        long v = unsafe.getLong(address);
        unsafe.loadFence();
        return v;
    }

    public int getIntAcquire(long address) {
        int v = unsafe.getInt(address);
        unsafe.loadFence();
        return v;
    }

    public long getLong(long address) {
        return unsafe.getLong(address);
    }

    public int getInt(long address) {
        return unsafe.getInt(address);
    }

    public short getShort(long address) {
        return unsafe.getShort(address);
    }

    public byte getByte(long address) {
        return unsafe.getByte(address);
    }

    /** A store that earlier loads and stores cannot move below (smp_store_release). */
    public void putLongRelease(long address, long value) {
        unsafe.storeFence();
        unsafe.putLong(address, value);
    }
}
