/*
 * Connections per client address: one client must not take every slot
 * (a slot is held from the TCP accept through the TLS handshake).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "frontd.h"
#include "log.h"

#define PEER_BUCKETS	4096

struct peer {
	struct peer	*next;
	uint8_t		 addr[16];
	uint32_t	 count;
};

static struct peer	*buckets[PEER_BUCKETS];

static void
peer_key(const struct sockaddr *sa, uint8_t key[16])
{
	memset(key, 0, 16);
	if (sa->sa_family == AF_INET)
		memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

static struct peer **
peer_slot(const uint8_t key[16])
{
	uint32_t	 h = 2166136261u;
	int		 i;

	/* FNV-1a; the table is small and the keys are addresses */
	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	return &buckets[h % PEER_BUCKETS];
}

int
peers_acquire(const struct sockaddr *sa, uint32_t limit)
{
	uint8_t		 key[16];
	struct peer	**slot, *p;

	peer_key(sa, key);
	slot = peer_slot(key);
	for (p = *slot; p != NULL; p = p->next)
		if (memcmp(p->addr, key, 16) == 0)
			break;
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			fatal("%s", __func__);
		memcpy(p->addr, key, 16);
		p->next = *slot;
		*slot = p;
	}
	if (p->count >= limit)
		return -1;
	p->count++;
	return 0;
}

void
peers_release(const struct sockaddr *sa)
{
	uint8_t		 key[16];
	struct peer	**pp, *p;

	peer_key(sa, key);
	for (pp = peer_slot(key); (p = *pp) != NULL; pp = &p->next) {
		if (memcmp(p->addr, key, 16) != 0)
			continue;
		if (--p->count == 0) {
			*pp = p->next;
			free(p);
		}
		return;
	}
}
