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
#include "log.h"
#include "sshkey.h"
#include "sshkeyrec.h"
#include "util.h"

#if SSHKEY_PRIVATE_MAX > MINT_SECRET_MAX
#error "a generated private key must fit in a mint"
#endif

/* stored's record of the key, and a made key's private half in it,
 * shown this once */
static int
sshkey_answer(struct ipc_msg *res, struct ipc_msg *out,
    const struct mint *mt)
{
	struct sshkey_rec k;
	char		 message[256];
	int		 status;

	if (sshkey_res_get(res, &status, message, sizeof(message), &k) == -1)
		return -1;
	if (status == 201)
		strlcpy(k.private_key, mt->secret, sizeof(k.private_key));
	sshkey_res_put(out, status, message, &k);
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

int
sshkeys_add(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct mint	*mt;
	struct sshkey_pub key;
	struct grant	 g;
	struct ipc_msg	 req;
	uint8_t		 grant[GRANT_LEN + 1];
	char		 ref[FIELD_REF_MAX + 1];
	char		 name[FIELD_SSHKEY_NAME_MAX + 1];
	char		 line[FIELD_SSHKEY_LINE_MAX + 1], why[256];
	size_t		 glen;
	uint32_t	 method, dialect;
	int		 admin_only;

	ipc_get_bin(m, grant, sizeof(grant), &glen);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_bool(m, &admin_only);
	ipc_get_u32(m, &method);
	ipc_get_u32(m, &dialect);
	ipc_get_str(m, name, sizeof(name));
	ipc_get_str(m, line, sizeof(line));
	if (ipc_end(m) == -1)
		return -1;
	mt = mint_new(chan, m);
	/* only a caller who may act at all gets a key parsed or made */
	if (grant_check(grant, glen, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired token");
		return 0;
	}
	/* the name becomes a generated key's comment: one line, as every
	 * line of an authorized_keys file must be */
	if (!text_is_line(name)) {
		mint_refuse(mt, 400, "a key's name may not hold a control "
		    "character");
		return 0;
	}
	if (sshkey_obtain(method, line, name, &key, mt, why,
	    sizeof(why)) == -1) {
		mint_refuse(mt, 400, why);
		return 0;
	}
	default_name(name, sizeof(name), &key);
	ipc_msg_init(&req, IPC_STORE_SSHKEY_ADD, 0);
	ipc_put_bin(&req, grant, glen);
	ipc_put_str(&req, ref);
	ipc_put_bool(&req, admin_only);
	ipc_put_u64(&req, method);
	ipc_put_u64(&req, dialect);
	ipc_put_str(&req, name);
	ipc_put_str(&req, key.type);
	ipc_put_str(&req, key.blob64);
	ipc_put_str(&req, key.comment);
	ipc_put_str(&req, key.fingerprint);
	ipc_put_u64(&req, key.bits);
	mint_store(mt, &req, sshkey_answer);
	return 0;
}
