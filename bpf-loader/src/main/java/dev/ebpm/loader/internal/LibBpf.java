package dev.ebpm.loader.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.NativeLongByReference;

/**
 * The libbpf 1.x calls ebpm uses, bound with jnr-ffi onto the system's libbpf.so.1. libbpf 1.x
 * returns NULL (pointers) or a negative errno (ints) on failure and sets errno.
 */
public interface LibBpf {
    /** libbpf's print callback; {@code args} is a va_list, which on x86-64 and arm64 is passed by pointer. */
    interface PrintFn {
        @Delegate
        int print(int level, Pointer format, Pointer args);
    }

    Pointer libbpf_set_print(PrintFn fn);

    @SaveError Pointer bpf_object__open_mem(@In Pointer buf, long size, @In Pointer opts);
    @SaveError int bpf_object__load(Pointer obj);
    void bpf_object__close(Pointer obj);
    Pointer bpf_object__btf(Pointer obj);
    Pointer bpf_object__next_program(Pointer obj, Pointer prev);
    Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    String bpf_program__name(Pointer prog);
    String bpf_program__section_name(Pointer prog);
    int bpf_program__fd(Pointer prog);
    boolean bpf_program__autoload(Pointer prog);
    @SaveError Pointer bpf_program__attach(Pointer prog);
    @SaveError Pointer bpf_program__attach_uprobe_opts(Pointer prog, int pid, String binaryPath, long funcOffset, @In Pointer opts);
    @SaveError Pointer bpf_program__attach_xdp(Pointer prog, int ifindex);
    @SaveError Pointer bpf_program__attach_cgroup(Pointer prog, int cgroupFd);
    @SaveError Pointer bpf_program__attach_perf_event(Pointer prog, int pfd);

    int bpf_link__destroy(Pointer link);
    @SaveError int bpf_link__pin(Pointer link, String path);
    @SaveError Pointer bpf_link__open(String path);
    int bpf_link__fd(Pointer link);
    @SaveError int bpf_map__pin(Pointer map, String path);
    @SaveError int bpf_program__pin(Pointer prog, String path);

    @SaveError int bpf_obj_get(String path);
    @SaveError int bpf_obj_pin(int fd, String path);
    @SaveError int bpf_obj_get_info_by_fd(int fd, Pointer info, @In @Out Pointer infoLen);
    @SaveError int bpf_prog_get_next_id(int startId, @Out Pointer nextId);
    @SaveError int bpf_prog_get_fd_by_id(int id);
    @SaveError int bpf_link_get_next_id(int startId, @Out Pointer nextId);
    @SaveError int bpf_link_get_fd_by_id(int id);
    String libbpf_bpf_prog_type_str(int type);
    String libbpf_bpf_link_type_str(int type);
    String libbpf_bpf_attach_type_str(int type);

    String bpf_map__name(Pointer map);
    int bpf_map__fd(Pointer map);
    int bpf_map__type(Pointer map);
    int bpf_map__key_size(Pointer map);
    int bpf_map__value_size(Pointer map);
    int bpf_map__max_entries(Pointer map);
    int bpf_map__btf_key_type_id(Pointer map);
    int bpf_map__btf_value_type_id(Pointer map);
    boolean bpf_map__is_internal(Pointer map);
    Pointer bpf_map__initial_value(Pointer map, @Out NativeLongByReference size);
    int bpf_map__set_initial_value(Pointer map, @In Pointer data, long size);

    int bpf_map_update_elem(int fd, @In Pointer key, @In Pointer value, long flags);
    int bpf_map_lookup_elem_flags(int fd, @In Pointer key, @Out Pointer value, long flags);
    int bpf_map_delete_elem_flags(int fd, @In Pointer key, long flags);
    int bpf_map_get_next_key(int fd, @In Pointer key, @Out Pointer nextKey);

    Pointer btf__raw_data(Pointer btf, @Out NativeLongByReference size);

    int bpf_tc_hook_create(@In Pointer hook);
    int bpf_tc_hook_destroy(@In Pointer hook);
    int bpf_tc_attach(@In Pointer hook, Pointer opts);
    int bpf_tc_detach(@In Pointer hook, @In Pointer opts);

    int libbpf_probe_bpf_prog_type(int progType, Pointer opts);
    int libbpf_probe_bpf_map_type(int mapType, Pointer opts);
    int libbpf_num_possible_cpus();

    /** BPF_ENABLE_STATS: returns an fd; run time and run counts are kept while any such fd is open. */
    @SaveError int bpf_enable_stats(int type);
    int bpf_obj_get_info_by_fd(int fd, @Out Pointer info, @In @Out jnr.ffi.byref.IntByReference infoLen);
}
