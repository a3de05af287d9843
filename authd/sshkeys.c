/*
 * Adding an SSH key: the key a customer pasted is parsed here, not in
 * frontd, so that what stored keeps and later hands to sshd was checked
 * by a process that does not parse the network.  A generated pair is
 * made here; its private half goes back in the answer and nowhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "log.h"
#include "sshkey.h"
#include "sshkeyrec.h"
#include "util.h"

struct sshkeyop {
	struct ipc_chan	*front;
	uint32_t	 reqid;
	char		 private_key[SSHKEY_PRIVATE_MAX + 1];
};

static void
answer(struct sshkeyop *op, int status, const char *message,
    const struct sshkey_rec *k)
{
	struct ipc_msg	 req, m;

	memset(&req, 0, sizeof(req));
	req.type = IPC_AUTH_SSHKEY_ADD;
	req.reqid = op->reqid;
	ipc_msg_init(&m, IPC_SSHKEY_RES, 0);
	sshkey_res_put(&m, status, message, k);
	ipc_reply(op->front, &req, &m);
	explicit_bzero(op, sizeof(*op));
	free(op);
}

static void
stored_sshkey(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct sshkeyop	*op = arg;
	struct sshkey_rec k;
	char		 message[256];
	int		 status;

	(void)chan;
	if (m == NULL) {
		answer(op, 503, "try again", NULL);
		return;
	}
	if (sshkey_res_get(m, &status, message, sizeof(message), &k) == -1) {
		answer(op, 500, "internal error", NULL);
		return;
	}
	if (status == 201)
		strlcpy(k.private_key, op->private_key,
		    sizeof(k.private_key));
	answer(op, status, message, &k);
	explicit_bzero(&k, sizeof(k));
}

/* The key to add: parsed from what was sent, or made. */
static int
sshkey_obtain(uint32_t method, const char *line, const char *name,
    struct sshkey_pub *k, struct sshkeyop *op, char *why, size_t whylen)
{
	if (method == SSHKEY_GENERATE) {
		if (sshkey_generate(name, k, op->private_key,
		    sizeof(op->private_key)) == -1)
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
	struct authd	*a = authd_env;
	struct sshkeyop	*op;
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

	if ((op = calloc(1, sizeof(*op))) == NULL)
		fatal("%s", __func__);
	op->front = chan;
	op->reqid = m->reqid;
	ipc_get_bin(m, grant, sizeof(grant), &glen);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_bool(m, &admin_only);
	ipc_get_u32(m, &method);
	ipc_get_u32(m, &dialect);
	ipc_get_str(m, name, sizeof(name));
	ipc_get_str(m, line, sizeof(line));
	if (ipc_end(m) == -1) {
		free(op);
		return -1;
	}
	/* only a caller who may act at all gets a key parsed or made */
	if (grant_check(grant, glen, &g) == -1) {
		answer(op, 401, "invalid or expired token", NULL);
		return 0;
	}
	/* the name becomes a generated key's comment: one line, as every
	 * line of an authorized_keys file must be */
	if (!text_is_line(name)) {
		answer(op, 400, "a key's name may not hold a control character",
		    NULL);
		return 0;
	}
	if (sshkey_obtain(method, line, name, &key, op, why,
	    sizeof(why)) == -1) {
		answer(op, 400, why, NULL);
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
	if (ipc_request(a->chans[PROC_STORED], &req,
	    a->conf.common.ipc_timeout_ms, stored_sshkey, op) == -1)
		answer(op, 503, "try again", NULL);
	return 0;
}
