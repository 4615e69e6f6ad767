/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef FENTRY_LINK_H
#define FENTRY_LINK_H

struct unlink_event {
	int pid;
	long ret;
	char name[64];
};

#endif
