/**
 * Everything native: the jnr-ffi binding of libbpf.so.1 and libc, the C struct layouts ebpm fills
 * by hand ({@link dev.ebpm.loader.internal.StructLayouts}), mmap'd memory and epoll. Nothing here
 * depends on another package of the module, and nothing outside the module uses it; the public
 * classes wrap these handles, check ownership and turn a {@link dev.ebpm.loader.internal.NativeException}
 * (the errno of a failed call) into a one-line {@code BpfException} saying what and where.
 */
package dev.ebpm.loader.internal;
