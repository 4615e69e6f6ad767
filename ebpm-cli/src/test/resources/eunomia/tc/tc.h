/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tc: one IPv4 packet seen at ingress. */
#ifndef TC_H
#define TC_H

struct packet {
	unsigned int ifindex;
	unsigned int len;
	unsigned int saddr;
	unsigned int daddr;
	unsigned char protocol;
	unsigned char ttl;
};

#endif
