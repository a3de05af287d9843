/*
 * Grants that authd has issued for bearer tokens and session cookies,
 * kept for most of their minute so that a client's next request skips
 * the round trip to authd.  Nothing here widens what frontd can do: a
 * grant is worth no more than the token frontd saw with it, stored still
 * checks on every request that the session or key behind it lives (a
 * logout, a disabled user, an expiry take effect at once; a logout also
 * drops what is kept for its session), and an entry
 * is found only by the SHA-256 of everything authd judged (dialect, kind
 * of credential, client address, token), so no token is kept in clear.
 * Passwords (Basic) are never cached: each one is verified.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "grant.h"
#include "grantcache.h"
#include "log.h"

/* a client's request a second, for this many seconds before expiry */
#define MARGIN		5

struct cached {
	RB_ENTRY(cached)	 node;
	TAILQ_ENTRY(cached)	 age;
	uint8_t			 key[GRANTCACHE_KEY_LEN];
	uint8_t			 grant[GRANT_LEN];
	int64_t			 until;
};

static int
cached_cmp(struct cached *a, struct cached *b)
{
	return memcmp(a->key, b->key, sizeof(a->key));
}

RB_HEAD(cached_tree, cached);
RB_PROTOTYPE(cached_tree, cached, node, cached_cmp);
RB_GENERATE(cached_tree, cached, node, cached_cmp);

static struct cached_tree	 tree = RB_INITIALIZER(&tree);
static EVP_MD			*sha256_md;
static EVP_MD_CTX		*sha256_ctx;
static TAILQ_HEAD(, cached)	 oldest = TAILQ_HEAD_INITIALIZER(oldest);
static size_t			 count;

/*
 * The key is hashed on every request that carries a token: with
 * OpenSSL's SHA-256, which frontd has for TLS anyway and which uses the
 * CPU's SHA instructions, instead of libmd's C, which took an eighth of
 * frontd's instructions per request.  Fetched before the sandbox.
 */
void
grantcache_init(void)
{
	if ((sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (sha256_ctx = EVP_MD_CTX_new()) == NULL)
		fatalx("%s: no SHA-256", __func__);
}

void
grantcache_key(uint32_t dialect, uint32_t kind, const char *peer,
    const char *token, uint8_t key[GRANTCACHE_KEY_LEN])
{
	uint8_t		 buf[8 + 64 + 1 + GRANTCACHE_TOKEN_MAX];
	size_t		 plen = strnlen(peer, 64), tlen = strlen(token);

	/* fixed-width fields, so that no two inputs share a key */
	memset(buf, 0, 8 + 64);
	memcpy(buf, &dialect, 4);
	memcpy(buf + 4, &kind, 4);
	memcpy(buf + 8, peer, plen);
	if (tlen > GRANTCACHE_TOKEN_MAX)
		tlen = GRANTCACHE_TOKEN_MAX;
	memcpy(buf + 8 + 64, token, tlen);
	if (sha256_ctx == NULL)
		grantcache_init();
	if (EVP_DigestInit_ex(sha256_ctx, sha256_md, NULL) != 1 ||
	    EVP_DigestUpdate(sha256_ctx, buf, 8 + 64 + tlen) != 1 ||
	    EVP_DigestFinal_ex(sha256_ctx, key, NULL) != 1)
		fatalx("%s: SHA-256 failed", __func__);
	explicit_bzero(buf, sizeof(buf));
}

static void
drop(struct cached *c)
{
	RB_REMOVE(cached_tree, &tree, c);
	TAILQ_REMOVE(&oldest, c, age);
	explicit_bzero(c, sizeof(*c));
	free(c);
	count--;
}

int
grantcache_get(const uint8_t key[GRANTCACHE_KEY_LEN], uint8_t out[GRANT_LEN])
{
	struct cached	 find, *c;

	memcpy(find.key, key, sizeof(find.key));
	if ((c = RB_FIND(cached_tree, &tree, &find)) == NULL)
		return -1;
	if (time(NULL) >= c->until) {
		drop(c);
		return -1;
	}
	memcpy(out, c->grant, GRANT_LEN);
	return 0;
}

void
grantcache_put(const uint8_t key[GRANTCACHE_KEY_LEN],
    const uint8_t grant[GRANT_LEN])
{
	struct cached	 find, *c;
	int64_t		 until, now = time(NULL);

	until = grant_expiry(grant, GRANT_LEN) - MARGIN;
	if (until <= now)
		return;
	memcpy(find.key, key, sizeof(find.key));
	if ((c = RB_FIND(cached_tree, &tree, &find)) != NULL)
		drop(c);
	/* the oldest go first: expired ones, then the least fresh */
	while (count >= GRANTCACHE_MAX ||
	    ((c = TAILQ_FIRST(&oldest)) != NULL && c->until <= now))
		drop(TAILQ_FIRST(&oldest));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	memcpy(c->key, key, sizeof(c->key));
	memcpy(c->grant, grant, GRANT_LEN);
	c->until = until;
	RB_INSERT(cached_tree, &tree, c);
	TAILQ_INSERT_TAIL(&oldest, c, age);
	count++;
}

void
grantcache_forget(const uint8_t key[GRANTCACHE_KEY_LEN])
{
	struct cached	 find, *c;

	memcpy(find.key, key, sizeof(find.key));
	if ((c = RB_FIND(cached_tree, &tree, &find)) != NULL)
		drop(c);
}

/*
 * A logout: every grant kept for the credential it ended goes, whatever
 * dialect, address or form of the token it was kept under.  A scan, as
 * logouts are rare next to the requests the cache serves.
 */
void
grantcache_forget_credential(const uint8_t grant[GRANT_LEN])
{
	struct cached	*c, *next;
	uint64_t	 cred, other;
	uint8_t		 kind, okind;

	if (grant_credential(grant, GRANT_LEN, &kind, &cred) == -1)
		return;
	for (c = TAILQ_FIRST(&oldest); c != NULL; c = next) {
		next = TAILQ_NEXT(c, age);
		if (grant_credential(c->grant, GRANT_LEN, &okind,
		    &other) == 0 && okind == kind && other == cred)
			drop(c);
	}
}

void
grantcache_clear(void)
{
	while (!TAILQ_EMPTY(&oldest))
		drop(TAILQ_FIRST(&oldest));
}
