/*
 * Adding an SSH key: the key a customer pasted is parsed here, not in
 * frontd, so that what stored keeps and later hands to sshd was checked
 * by a process that does not parse the network.  A generated pair is
 * made here; its private half goes back in the answer and nowhere else
 * (see mint.c).
 */
#include <stdio.h>
#include <string.h>

#include "authd.h"
#include "body_keys.h"
#include "log.h"
#include "sshkey.h"
#include "util.h"

#if SSHKEY_PRIVATE_MAX > MINT_SECRET_MAX
#error "a generated private key must fit in a mint"
#endif

/* stored's record of the key, and a made key's private half in it,
 * shown this once */
static int
sshkey_answer(struct ipc_msg *res, const struct mint *mt)
{
	struct ipc_sshkey_res	 k;

	if (ipc_msg_get(res, &k) == -1)
		return -1;
	if (k.head.status == 201)
		strlcpy(k.key.private_key, mt->secret,
		    sizeof(k.key.private_key));
	ipc_answer(&mt->req, &k, NULL);
	explicit_bzero(&k, sizeof(k));
	return 0;
}

/* The key to add: parsed from what was sent, or made. */
static int
sshkey_obtain(uint32_t method, const char *line, const char *name,
    struct sshkey_pub *k, struct mint *mt, char *why, size_t whylen)
{
	if (method == SSHKEY_GENERATE) {
		if (sshkey_generate(name, k, mt->secret,
		    SSHKEY_PRIVATE_MAX + 1) == -1)
			fatalx("cannot generate an ssh key");
		return 0;
	}
	if (method != SSHKEY_UPLOAD) {
		snprintf(why, whylen, "unknown method");
		return -1;
	}
	return sshkey_parse(line, strlen(line), k, why, whylen);
}

/* A key without a name is called by its comment, cut at a character. */
static void
default_name(char *name, size_t namelen, const struct sshkey_pub *k)
{
	size_t	 len;

	if (name[0] != '\0')
		return;
	if (k->comment[0] == '\0') {
		strlcpy(name, k->fingerprint, namelen);
		return;
	}
	if (strlcpy(name, k->comment, namelen) < namelen)
		return;
	len = namelen - 1;
	while (len > 0 && ((unsigned char)k->comment[len] & 0xc0) == 0x80)
		len--;
	name[len] = '\0';
}

/* The key as stored keeps it, for the user the request names. */
static void
sshkey_record(struct ipc_sshkey_store *rec, const struct ipc_sshkey_add *b,
    const struct sshkey_pub *key)
{
	memset(rec, 0, sizeof(*rec));
	memcpy(rec->grant, b->grant, b->grant_len);
	rec->grant_len = b->grant_len;
	rec->access = b->access;
	memcpy(rec->user, b->user, sizeof(rec->user));
	rec->method = b->method;
	rec->dialect = b->dialect;
	memcpy(rec->name, b->name, sizeof(rec->name));
	strlcpy(rec->type, key->type, sizeof(rec->type));
	strlcpy(rec->blob64, key->blob64, sizeof(rec->blob64));
	strlcpy(rec->comment, key->comment, sizeof(rec->comment));
	strlcpy(rec->fingerprint, key->fingerprint, sizeof(rec->fingerprint));
	rec->bits = key->bits;
}

int
sshkeys_add(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_sshkey_add	 b;
	struct ipc_sshkey_store	 rec;
	struct mint		*mt;
	struct sshkey_pub	 key;
	struct grant		 g;
	char			 why[256];

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	mt = mint_new(chan, m);
	/* only a caller who may act at all gets a key parsed or made */
	if (grant_check(b.grant, b.grant_len, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired token");
		return 0;
	}
	/* the name becomes a generated key's comment: one line, as every
	 * line of an authorized_keys file must be */
	if (!text_is_line(b.name)) {
		mint_refuse(mt, 400, "a key's name may not hold a control "
		    "character");
		return 0;
	}
	if (sshkey_obtain(b.method, b.line, b.name, &key, mt, why,
	    sizeof(why)) == -1) {
		mint_refuse(mt, 400, why);
		return 0;
	}
	default_name(b.name, sizeof(b.name), &key);
	sshkey_record(&rec, &b, &key);
	mint_store(mt, IPC_STORE_SSHKEY_ADD, &rec, sshkey_answer);
	return 0;
}
