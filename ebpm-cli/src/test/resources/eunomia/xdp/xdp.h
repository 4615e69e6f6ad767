/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdp: one frame seen by the XDP hook. */
#ifndef XDP_H
#define XDP_H

struct frame {
	unsigned int ifindex;
	unsigned int size;
	unsigned short eth_proto;
};

#endif
