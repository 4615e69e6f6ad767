/* SPDX-License-Identifier: MIT */
/*
 * libbpf for WebAssembly guests, as ebpm ships it: the wasm_bpf host ABI (the same import names
 * and types as eunomia-bpf/wasm-bpf, so a guest built against this header runs on ebpm, wasm-bpf
 * and ecli alike) and the small libbpf-style API that the NAME.skel.h headers `ebpm build --wasm`
 * generates are written against: maps, programs, ring/perf buffers and map operations.
 * wasm32: pointers and int are 32 bits, the object handle is 64. See docs/wasm.md.
 */
#ifndef EBPM_LIBBPF_WASM_H
#define EBPM_LIBBPF_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define WASM_BPF_IMPORT(name) __attribute__((import_module("wasm_bpf"), import_name(name)))

/* An opened and loaded BPF object; 0 means "no object". */
typedef uint64_t bpf_object_handle;
typedef bpf_object_handle bpf_object_skel; /* wasm-bpf's name for it */

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

#undef WASM_BPF_IMPORT

/* update flags, as in linux/bpf.h */
#ifndef BPF_ANY
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2
#endif

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

/* A map of a skeleton's object: valid once the skeleton is loaded. */
struct bpf_map {
	const bpf_object_handle *obj;
	const char *name;
};

/* A program of a skeleton's object; the skeleton's attach attaches it unless autoattach is off. */
struct bpf_program {
	const bpf_object_handle *obj;
	const char *name;
	const char *attach_target;
	bool autoattach;
};

static inline int bpf_map__fd(const struct bpf_map *map)
{
	return wasm_bpf_map_fd_by_name(*map->obj, map->name);
}

static inline void bpf_program__set_autoattach(struct bpf_program *prog, bool autoattach)
{
	prog->autoattach = autoattach;
}

/* Where the program attaches when its section does not say: an interface for xdp, a cgroup path. */
static inline void bpf_program__set_attach_target(struct bpf_program *prog, const char *target)
{
	prog->attach_target = target;
}

/* wasm-bpf's spelling of the same */
static inline void bpf_set_prog_attach_target(struct bpf_program *prog, char *target)
{
	prog->attach_target = target;
}

/* A ring buffer or perf event array read through the host: poll calls sample_fn per record. */
struct bpf_buffer {
	const struct bpf_map *map;
	int fd;
	void *ctx;
	bpf_buffer_sample_fn sample_fn;
};

#ifndef BPF_BUFFER_MAX_RECORD
#define BPF_BUFFER_MAX_RECORD 4096
#endif

static inline struct bpf_buffer *bpf_buffer__open(const struct bpf_map *map, bpf_buffer_sample_fn sample_fn, void *ctx)
{
	int fd = bpf_map__fd(map);
	if (fd < 0)
		return NULL;
	struct bpf_buffer *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->map = map;
	b->fd = fd;
	b->ctx = ctx;
	b->sample_fn = sample_fn;
	return b;
}

/* Waits up to timeout_ms for records and hands each to the callback: the number handled, or a negative errno. */
static inline int bpf_buffer__poll(struct bpf_buffer *b, int timeout_ms)
{
	static char record[BPF_BUFFER_MAX_RECORD];
	return wasm_bpf_buffer_poll(*b->map->obj, b->fd, (int32_t)b->sample_fn, (uint32_t)(uintptr_t)b->ctx,
				    record, sizeof(record), timeout_ms);
}

static inline void bpf_buffer__free(struct bpf_buffer *b)
{
	free(b);
}

#endif
