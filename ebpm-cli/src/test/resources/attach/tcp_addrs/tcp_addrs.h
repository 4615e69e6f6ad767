// The event of eunomia's tcpstates, reduced: addresses as unsigned __int128 beside the address family.
#ifndef __TCP_ADDRS_H
#define __TCP_ADDRS_H

struct event {
	unsigned __int128 saddr;
	unsigned __int128 daddr;
	unsigned int pid;
	int oldstate;
	int newstate;
	unsigned short family;
	unsigned short sport;
	unsigned short dport;
	char task[16];
};

#endif
