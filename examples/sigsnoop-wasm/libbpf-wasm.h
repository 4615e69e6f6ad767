/* SPDX-License-Identifier: MIT */
/*
 * The wasm_bpf host ABI as a WebAssembly guest sees it (wasm32: pointers and int are i32, the
 * object handle is i64). Same import names and types as eunomia-bpf/wasm-bpf, so a guest built
 * against this header runs on ebpm, wasm-bpf and ecli alike. See docs/wasm.md.
 */
#ifndef EBPM_LIBBPF_WASM_H
#define EBPM_LIBBPF_WASM_H

#include <stddef.h>
#include <stdint.h>

#define WASM_BPF_IMPORT(name) __attribute__((import_module("wasm_bpf"), import_name(name)))

/* An opened and loaded BPF object; 0 means "no object". */
typedef uint64_t bpf_object_handle;

/* Opens and loads (CO-RE) a BPF ELF object held in guest memory; 0 on failure. */
WASM_BPF_IMPORT("wasm_load_bpf_object")
bpf_object_handle wasm_load_bpf_object(const void *obj_buf, int obj_buf_sz);

/* Detaches every program of the object and unloads it. */
WASM_BPF_IMPORT("wasm_close_bpf_object")
int wasm_close_bpf_object(bpf_object_handle obj);

/* Attaches program `name`. `target` NULL or "" lets libbpf attach by section name; a cgroup
 * path for sockops, an interface name for xdp. 0 or a negative errno. */
WASM_BPF_IMPORT("wasm_attach_bpf_program")
int wasm_attach_bpf_program(bpf_object_handle obj, const char *name, const char *target);

/* The fd of map `name`, or a negative errno. */
WASM_BPF_IMPORT("wasm_bpf_map_fd_by_name")
int wasm_bpf_map_fd_by_name(bpf_object_handle obj, const char *name);

/* One ring or perf buffer poll: each record is copied into `data` (at most max_size bytes) and
 * handed to sample_func(ctx, data, size), a function pointer (its function table index). */
typedef int (*bpf_buffer_sample_fn)(void *ctx, void *data, size_t size);
WASM_BPF_IMPORT("wasm_bpf_buffer_poll")
int wasm_bpf_buffer_poll(bpf_object_handle obj, int fd, int32_t sample_func, uint32_t ctx,
                         char *data, int max_size, int timeout_ms);

/* bpf(2) map commands on a map fd of a loaded object; key/value/next_key must hold the map's
 * key and value sizes. 0 or a negative errno. */
enum wasm_bpf_map_cmd {
	WASM_BPF_MAP_LOOKUP_ELEM = 1,
	WASM_BPF_MAP_UPDATE_ELEM = 2,
	WASM_BPF_MAP_DELETE_ELEM = 3,
	WASM_BPF_MAP_GET_NEXT_KEY = 4,
};
WASM_BPF_IMPORT("wasm_bpf_map_operate")
int wasm_bpf_map_operate(int fd, int cmd, void *key, void *value, void *next_key, uint64_t flags);

static inline int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	return wasm_bpf_map_operate(fd, WASM_BPF_MAP_LOOKUP_ELEM, (void *)key, value, NULL, 0);
}

static inline int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	return wasm_bpf_map_operate(fd, WASM_BPF_MAP_UPDATE_ELEM, (void *)key, (void *)value, NULL, flags);
}

static inline int bpf_map_delete_elem(int fd, const void *key)
{
	return wasm_bpf_map_operate(fd, WASM_BPF_MAP_DELETE_ELEM, (void *)key, NULL, NULL, 0);
}

static inline int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	return wasm_bpf_map_operate(fd, WASM_BPF_MAP_GET_NEXT_KEY, (void *)key, NULL, next_key, 0);
}

#undef WASM_BPF_IMPORT
#endif
