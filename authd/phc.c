/*
 * argon2id hashes in the PHC string format
 * ($argon2id$v=19$m=M,t=T,p=P$SALT$HASH, unpadded base64), computed
 * through argon2_ctx() so that the working memory is ours to manage:
 * libargon2's own calls malloc() and free() their memory cost (19 MiB by
 * default) on every hash, and glibc then either faults the whole block in
 * afresh each time or keeps it in the thread's arena for good.  Here each
 * hasher thread keeps one block while jobs keep coming and gives it back
 * when the queue runs dry (phc_release_memory()).
 */
#include <sys/types.h>
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>

#include "crypto.h"
#include "hasher.h"
#include "phc.h"
#include "util.h"

#define SALT_LEN	16
#define HASH_LEN	32
#define FIELD_MAX	64	/* bytes of a decoded salt or hash */
#define B64_MAX		88	/* base64 of FIELD_MAX, padded, and a NUL */

/* This thread's working memory, zeroed by libargon2 before it comes back. */
static __thread uint8_t	*block;
static __thread size_t	 blocklen;

static int
block_get(uint8_t **memory, size_t len)
{
	if (block != NULL && blocklen != len)
		phc_release_memory();
	if (block == NULL) {
		block = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (block == MAP_FAILED) {
			block = NULL;
			return ARGON2_MEMORY_ALLOCATION_ERROR;
		}
		blocklen = len;
	}
	*memory = block;
	return ARGON2_OK;
}

static void
block_put(uint8_t *memory, size_t len)
{
	/* kept for the next hash of this thread */
	(void)memory;
	(void)len;
}

int
phc_holds_memory(void)
{
	return block != NULL;
}

void
phc_release_memory(void)
{
	if (block != NULL)
		munmap(block, blocklen);
	block = NULL;
	blocklen = 0;
}

/*
 * PHC strings use the standard base64 alphabet without padding: the
 * base64url coder with two characters swapped.
 */
static void
swap_alphabet(char *s, size_t len, const char *from, const char *to)
{
	size_t	 i;
	char	*c;

	for (i = 0; i < len; i++)
		if (s[i] != '\0' && (c = strchr(from, s[i])) != NULL)
			s[i] = to[c - from];
}

static int
b64_encode_phc(char *dst, size_t dstlen, const uint8_t *src, size_t len)
{
	size_t	 n;

	if (b64url_encode(src, len, dst, dstlen, &n) != CRYPTO_OK)
		return -1;
	swap_alphabet(dst, n, "-_", "+/");
	return 0;
}

/* len characters at src into at most FIELD_MAX bytes; the count or -1 */
static int
b64_decode_phc(uint8_t *dst, const char *src, size_t len)
{
	char	 buf[B64_MAX];
	size_t	 n;
	int	 rc;

	if (len >= sizeof(buf) || memchr(src, '-', len) != NULL ||
	    memchr(src, '_', len) != NULL)
		return -1;
	memcpy(buf, src, len);
	swap_alphabet(buf, len, "+/", "-_");
	rc = b64url_decode_strict(buf, len, dst, FIELD_MAX, &n);
	explicit_bzero(buf, sizeof(buf));
	return rc == CRYPTO_OK ? (int)n : -1;
}

static void
ctx_init(argon2_context *ctx, const struct hasher_params *p,
    const char *password, uint8_t *salt, size_t saltlen, uint8_t *out,
    size_t outlen)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out = out;
	ctx->outlen = outlen;
	ctx->pwd = (uint8_t *)(uintptr_t)password;
	ctx->pwdlen = strlen(password);
	ctx->salt = salt;
	ctx->saltlen = saltlen;
	ctx->t_cost = p->time;
	ctx->m_cost = p->memory_kib;
	ctx->lanes = ctx->threads = p->parallelism;
	ctx->version = ARGON2_VERSION_13;
	ctx->allocate_cbk = block_get;
	ctx->free_cbk = block_put;
	ctx->flags = ARGON2_DEFAULT_FLAGS;
}

int
phc_hash(const struct hasher_params *p, const char *password,
    char *encoded, size_t encodedlen)
{
	argon2_context	 ctx;
	uint8_t		 salt[SALT_LEN], out[HASH_LEN];
	char		 salt64[B64_MAX], out64[B64_MAX];
	int		 rc, n;

	random_bytes(salt, sizeof(salt));
	ctx_init(&ctx, p, password, salt, sizeof(salt), out, sizeof(out));
	rc = argon2id_ctx(&ctx);
	if (rc == ARGON2_OK && (b64_encode_phc(salt64, sizeof(salt64), salt,
	    sizeof(salt)) == -1 || b64_encode_phc(out64, sizeof(out64), out,
	    sizeof(out)) == -1))
		rc = ARGON2_ENCODING_FAIL;
	explicit_bzero(out, sizeof(out));
	if (rc != ARGON2_OK)
		return -1;
	n = snprintf(encoded, encodedlen, "$argon2id$v=%d$m=%u,t=%u,p=%u$%s$%s",
	    ARGON2_VERSION_13, p->memory_kib, p->time, p->parallelism, salt64,
	    out64);
	explicit_bzero(out64, sizeof(out64));
	return n > 0 && (size_t)n < encodedlen ? 0 : -1;
}

/*
 * What an unknown name is verified against: a salt and a hash that are
 * random bytes, which no password matches, under the parameters given,
 * so that verifying it costs what verifying a user's hash costs.
 * Nothing is hashed to make it.
 */
int
phc_dummy(const struct hasher_params *p, char *encoded, size_t encodedlen)
{
	uint8_t		 salt[SALT_LEN], out[HASH_LEN];
	char		 salt64[B64_MAX], out64[B64_MAX];
	int		 n;

	random_bytes(salt, sizeof(salt));
	random_bytes(out, sizeof(out));
	if (b64_encode_phc(salt64, sizeof(salt64), salt, sizeof(salt)) == -1 ||
	    b64_encode_phc(out64, sizeof(out64), out, sizeof(out)) == -1)
		return -1;
	n = snprintf(encoded, encodedlen, "$argon2id$v=%d$m=%u,t=%u,p=%u$%s$%s",
	    ARGON2_VERSION_13, p->memory_kib, p->time, p->parallelism, salt64,
	    out64);
	return n > 0 && (size_t)n < encodedlen ? 0 : -1;
}

/* The parameters, salt and hash of a PHC string; -1 if malformed. */
static int
phc_decode(const char *encoded, struct hasher_params *p, uint8_t *salt,
    size_t *saltlen, uint8_t *hash, size_t *hashlen)
{
	const char	*s, *dollar;
	unsigned int	 version;
	int		 off = 0, n;

	if (sscanf(encoded, "$argon2id$v=%u$m=%u,t=%u,p=%u$%n", &version,
	    &p->memory_kib, &p->time, &p->parallelism, &off) != 4 || off == 0)
		return -1;
	if (version != ARGON2_VERSION_13 || p->memory_kib < 8 ||
	    p->memory_kib > PHC_MEMORY_MAX || p->time < 1 ||
	    p->time > PHC_TIME_MAX || p->parallelism < 1 ||
	    p->parallelism > PHC_PARALLELISM_MAX)
		return -1;
	s = encoded + off;
	if ((dollar = strchr(s, '$')) == NULL ||
	    (n = b64_decode_phc(salt, s, dollar - s)) < 8)
		return -1;
	*saltlen = n;
	s = dollar + 1;
	if ((n = b64_decode_phc(hash, s, strlen(s))) < 4)
		return -1;
	*hashlen = n;
	return 0;
}

int
phc_verify(const char *encoded, const char *password,
    const struct hasher_params *want, int *stale)
{
	argon2_context		 ctx;
	struct hasher_params	 p;
	uint8_t			 salt[FIELD_MAX], expect[FIELD_MAX];
	uint8_t			 out[FIELD_MAX];
	size_t			 saltlen, hashlen;
	int			 ok = 0;

	*stale = 0;
	if (phc_decode(encoded, &p, salt, &saltlen, expect, &hashlen) == -1)
		return 0;
	ctx_init(&ctx, &p, password, salt, saltlen, out, hashlen);
	if (argon2id_ctx(&ctx) == ARGON2_OK &&
	    CRYPTO_memcmp(out, expect, hashlen) == 0)
		ok = 1;
	explicit_bzero(out, sizeof(out));
	explicit_bzero(expect, sizeof(expect));
	*stale = ok && (p.memory_kib != want->memory_kib ||
	    p.time != want->time || p.parallelism != want->parallelism ||
	    hashlen != HASH_LEN);
	return ok;
}
