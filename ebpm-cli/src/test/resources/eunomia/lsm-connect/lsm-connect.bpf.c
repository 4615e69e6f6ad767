// SPDX-License-Identifier: GPL-2.0
/* lsm-connect: refuse IPv4 connections to one address, from the socket_connect LSM hook. BPF LSM is
 * not enabled in this kernel: it builds, and ebpm run refuses it in one line. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#define EPERM 1
#define AF_INET 2

/// @description "Refuse connections to this IPv4 address (network order; 0: none)"
const volatile __u32 blocked_addr = 0;

SEC("lsm/socket_connect")
int BPF_PROG(restrict_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct sockaddr_in *addr = (struct sockaddr_in *)address;

	if (ret != 0)
		return ret;
	if (address->sa_family != AF_INET || !blocked_addr)
		return 0;
	if (addr->sin_addr.s_addr == blocked_addr)
		return -EPERM;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
