/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef KPROBE_LINK_H
#define KPROBE_LINK_H

struct unlink_event {
	int pid;
	int ret;
	char name[64];
};

#endif
