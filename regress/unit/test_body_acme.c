/*
 * The acme messages' typed bodies: the directories moatd pushes
 * (cfg.acme, read into acmedirs.h's table; cfg.acme.ca with the
 * descriptor of a ca-file; cfg.acme.eab), the http-01 challenges
 * (acme.challenge.*), and the routes each may travel: an EAB key never
 * to anyone but authd, a challenge put by taskd alone.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acmedirs.h"
#include "body_cfg.h"
#include "body_challenge.h"
#include "ipc.h"
#include "log.h"
#include "test.h"

struct dir_in {
	const char	*name;
	const char	*url;
	int		 ca;
};

static int
cfg_acme(const struct dir_in *in, uint32_t n, uint32_t count,
    enum proc_id to, struct acme_dirs *dirs, struct ipc_msg *r)
{
	struct ipc_cfg_acme	 b = { count };
	struct ipc_cfg_acme_dir	 d;
	struct ipc_msg		 w;
	uint32_t		 i;

	ipc_msg_init(&w, IPC_CFG_ACME, 0);
	ipc_msg_put(&w, &b);
	for (i = 0; i < n; i++) {
		memset(&d, 0, sizeof(d));
		strlcpy(d.name, in[i].name, sizeof(d.name));
		strlcpy(d.url, in[i].url, sizeof(d.url));
		d.ca = in[i].ca;
		ipc_msg_put_item(&w, &d);
	}
	if (test_ipc_pass(&w, PROC_MOATD, to, r) == -1)
		return -2;
	return acme_dirs_get(r, dirs);
}

static void
test_cfg_acme(void)
{
	static const struct dir_in ok[] = {
		{ "pebble", "https://127.0.0.1:14000/dir", 1 },
		{ "le", "https://acme-v02.api.letsencrypt.org/directory", 0 },
	};
	static const struct dir_in dup[] = {
		{ "a", "https://x/", 0 }, { "a", "https://y/", 0 },
	};
	static const struct dir_in plain[] = { { "a", "http://x/", 0 } };
	static const struct dir_in badname[] = { { "a b", "https://x/", 0 } };
	struct acme_dirs	 dirs;
	struct ipc_msg		 r;

	memset(&dirs, 0, sizeof(dirs));
	CHECK_INT(cfg_acme(ok, 2, 2, PROC_TASKD, &dirs, &r), 0);
	ipc_msg_clear(&r);
	CHECK_INT(dirs.n, 2);
	CHECK(acme_dir_by_name(&dirs, "pebble") == &dirs.dir[0]);
	CHECK(acme_dir_by_url(&dirs,
	    "https://acme-v02.api.letsencrypt.org/directory") == &dirs.dir[1]);
	/* a URL must equal a configured one exactly */
	CHECK(acme_dir_by_url(&dirs,
	    "https://acme-v02.api.letsencrypt.org/directory/") == NULL);
	CHECK(acme_dir_by_url(&dirs, "https://evil.example/") == NULL);
	CHECK(acme_dir_by_name(&dirs, "PEBBLE") == NULL);
	/* a ca-file configured and not yet read: not to be used */
	CHECK_INT(acme_dir_usable(&dirs.dir[0]), 0);
	CHECK_INT(acme_dir_usable(&dirs.dir[1]), 1);

	/* frontd and stored get the names and URLs too; authd does not */
	CHECK_INT(cfg_acme(ok, 2, 2, PROC_FRONTD, &dirs, &r), 0);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme(ok, 2, 2, PROC_STORED, &dirs, &r), 0);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme(ok, 2, 2, PROC_AUTHD, &dirs, &r), -2);
	ipc_msg_clear(&r);

	/* none is a configuration too: a reload that removes them all */
	CHECK_INT(cfg_acme(ok, 0, 0, PROC_TASKD, &dirs, &r), 0);
	CHECK_INT(dirs.n, 0);
	ipc_msg_clear(&r);

	/* anything moatd would have refused is a violation */
	CHECK_INT(cfg_acme(ok, 2, 3, PROC_TASKD, &dirs, &r), -1);
	CHECK(r.error != NULL);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme(dup, 2, 2, PROC_TASKD, &dirs, &r), -1);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme(plain, 1, 1, PROC_TASKD, &dirs, &r), -1);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme(badname, 1, 1, PROC_TASKD, &dirs, &r), -1);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme(ok, 2, CFG_ACME_DIRS_MAX + 1, PROC_TASKD, &dirs,
	    &r), -1);
	ipc_msg_clear(&r);
	acme_dirs_clear(&dirs);
}

/* cfg.acme.ca: a pipe stands for the file moatd opened */
static int
cfg_acme_ca(const char *name, const char *content, enum proc_id to,
    struct acme_dirs *dirs)
{
	static uint8_t		 datagram[IPC_MAX_MSG];
	struct ipc_cfg_acme_ca	 b;
	struct ipc_msg		 w, r;
	const void		*buf;
	const char		*why = NULL;
	size_t			 len;
	int			 p[2], fd, rc;

	if (pipe(p) == -1)
		fatal("pipe");
	if (write(p[1], content, strlen(content)) != (ssize_t)strlen(content))
		fatal("write");
	close(p[1]);
	memset(&b, 0, sizeof(b));
	strlcpy(b.name, name, sizeof(b.name));
	strlcpy(b.path, "/etc/moat/ca.pem", sizeof(b.path));
	b.fd = p[0];
	ipc_msg_init(&w, IPC_CFG_ACME_CA, 0);
	ipc_msg_put(&w, &b);
	/* decoded from copies, as the kernel passes them: clearing w
	 * frees its buffer and closes its descriptor */
	if ((fd = dup(p[0])) == -1)
		fatal("dup");
	if (ipc_msg_finish(&w, &buf, &len) == -1 ||
	    (memcpy(datagram, buf, len), 0) ||
	    ipc_decode(&r, datagram, len, fd, PROC_MOATD, to, &why) == -1) {
		ipc_msg_clear(&w);
		close(fd);
		return -2;
	}
	ipc_msg_clear(&w);
	rc = acme_dirs_get_ca(&r, dirs);
	ipc_msg_clear(&r);
	return rc;
}

static void
test_cfg_acme_ca(void)
{
	static const struct dir_in in[] = {
		{ "pebble", "https://127.0.0.1:14000/dir", 1 },
		{ "le", "https://acme-v02.api.letsencrypt.org/directory", 0 },
	};
	static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n";
	struct acme_dirs	 dirs;
	struct ipc_msg		 r;

	memset(&dirs, 0, sizeof(dirs));
	CHECK_INT(cfg_acme(in, 2, 2, PROC_TASKD, &dirs, &r), 0);
	ipc_msg_clear(&r);
	/* taskd alone gets ca-files */
	CHECK_INT(cfg_acme_ca("pebble", pem, PROC_FRONTD, &dirs), -2);
	CHECK_INT(cfg_acme_ca("pebble", pem, PROC_TASKD, &dirs), 0);
	CHECK(dirs.dir[0].ca_pem != NULL);
	CHECK_INT(dirs.dir[0].ca_len, strlen(pem));
	CHECK(dirs.dir[0].ca_pem != NULL &&
	    strcmp(dirs.dir[0].ca_pem, pem) == 0);
	CHECK_INT(acme_dir_usable(&dirs.dir[0]), 1);
	/* twice, for a directory without one, or for none: violations */
	CHECK_INT(cfg_acme_ca("pebble", pem, PROC_TASKD, &dirs), -1);
	CHECK_INT(cfg_acme_ca("le", pem, PROC_TASKD, &dirs), -1);
	CHECK_INT(cfg_acme_ca("nowhere", pem, PROC_TASKD, &dirs), -1);
	acme_dirs_clear(&dirs);

	/* an empty file leaves the directory without roots, unusable */
	CHECK_INT(cfg_acme(in, 2, 2, PROC_TASKD, &dirs, &r), 0);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_acme_ca("pebble", "", PROC_TASKD, &dirs), 0);
	CHECK(dirs.dir[0].ca_pem == NULL);
	CHECK_INT(acme_dir_usable(&dirs.dir[0]), 0);

	/* a reload's table replaces the one in force whole */
	{
		struct acme_dirs	 next;

		memset(&next, 0, sizeof(next));
		CHECK_INT(cfg_acme(in, 2, 2, PROC_TASKD, &next, &r), 0);
		ipc_msg_clear(&r);
		CHECK_INT(cfg_acme_ca("pebble", pem, PROC_TASKD, &next), 0);
		acme_dirs_move(&dirs, &next);
		CHECK_INT(next.n, 0);
		CHECK_INT(dirs.n, 2);
		CHECK_INT(acme_dir_usable(&dirs.dir[0]), 1);
	}
	acme_dirs_clear(&dirs);
}

static void
test_cfg_acme_eab(void)
{
	struct ipc_cfg_acme	 b = { 1 };
	struct ipc_cfg_acme_eab	 e, out;
	struct ipc_cfg_acme	 head;
	struct ipc_msg		 w, r;
	int			 to;

	memset(&e, 0, sizeof(e));
	strlcpy(e.name, "zerossl", sizeof(e.name));
	strlcpy(e.kid, "kid-1", sizeof(e.kid));
	strlcpy(e.hmac, "c2VjcmV0_-x", sizeof(e.hmac));
	ipc_msg_init(&w, IPC_CFG_ACME_EAB, 0);
	ipc_msg_put(&w, &b);
	ipc_msg_put_item(&w, &e);
	CHECK_INT(test_ipc_pass(&w, PROC_MOATD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &head), 0);
	CHECK_INT(head.count, 1);
	CHECK_INT(ipc_msg_get_item(&r, &out), 1);
	CHECK_STR(out.name, "zerossl");
	CHECK_STR(out.kid, "kid-1");
	CHECK_STR(out.hmac, "c2VjcmV0_-x");
	CHECK_INT(ipc_msg_get_item(&r, &out), 0);
	ipc_msg_clear(&r);
	/* the key is key material: no other process may receive it */
	for (to = PROC_FRONTD; to <= PROC_TASKD; to++) {
		if (to == PROC_AUTHD)
			continue;
		ipc_msg_init(&w, IPC_CFG_ACME_EAB, 0);
		ipc_msg_put(&w, &b);
		ipc_msg_put_item(&w, &e);
		CHECK_INT(test_ipc_pass(&w, PROC_MOATD, to, &r), -1);
		ipc_msg_clear(&r);
	}
}

static void
test_challenge_bodies(void)
{
	struct ipc_acme_challenge_get	 g, g2;
	struct ipc_acme_challenge_put	 p, p2;
	struct ipc_acme_challenge_del	 d, d2;
	struct ipc_acme_challenge_res	 s, s2;
	struct ipc_msg			 w, r;

	memset(&g, 0, sizeof(g));
	strlcpy(g.token, "tok_en-1", sizeof(g.token));
	ipc_msg_init(&w, IPC_ACME_CHALLENGE_GET, 5);
	ipc_msg_put(&w, &g);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &g2), 0);
	CHECK_STR(g2.token, "tok_en-1");
	ipc_msg_clear(&r);
	/* frontd reads; it neither puts nor removes; a removal names the
	 * owner that put it */
	memset(&d, 0, sizeof(d));
	strlcpy(d.token, "tok_en-1", sizeof(d.token));
	strlcpy(d.owner, "cert:11111111-1111-4111-8111-111111111111",
	    sizeof(d.owner));
	ipc_msg_init(&w, IPC_ACME_CHALLENGE_DEL, 5);
	ipc_msg_put(&w, &d);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_ACME_CHALLENGE_DEL, 5);
	ipc_msg_put(&w, &d);
	CHECK_INT(test_ipc_pass(&w, PROC_TASKD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &d2), 0);
	CHECK_STR(d2.token, "tok_en-1");
	CHECK_STR(d2.owner, d.owner);
	ipc_msg_clear(&r);

	memset(&p, 0, sizeof(p));
	strlcpy(p.token, "tok", sizeof(p.token));
	strlcpy(p.key_authz, "tok.thumb", sizeof(p.key_authz));
	strlcpy(p.owner, "cert-1", sizeof(p.owner));
	p.expires = 1900000000;
	ipc_msg_init(&w, IPC_ACME_CHALLENGE_PUT, 6);
	ipc_msg_put(&w, &p);
	CHECK_INT(test_ipc_pass(&w, PROC_TASKD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &p2), 0);
	CHECK_STR(p2.token, "tok");
	CHECK_STR(p2.key_authz, "tok.thumb");
	CHECK_STR(p2.owner, "cert-1");
	CHECK(p2.expires == 1900000000);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_ACME_CHALLENGE_PUT, 6);
	ipc_msg_put(&w, &p);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	ipc_msg_clear(&r);

	memset(&s, 0, sizeof(s));
	s.head.status = 200;
	strlcpy(s.head.message, "ok", sizeof(s.head.message));
	strlcpy(s.key_authz, "tok.thumb", sizeof(s.key_authz));
	ipc_msg_init(&w, IPC_ACME_CHALLENGE_RES, 5);
	ipc_msg_put(&w, &s);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &s2), 0);
	CHECK_INT(s2.head.status, 200);
	CHECK_STR(s2.key_authz, "tok.thumb");
	ipc_msg_clear(&r);
}

int
main(void)
{
	log_procinit("test_body_acme");
	RUN(test_cfg_acme);
	RUN(test_cfg_acme_ca);
	RUN(test_cfg_acme_eab);
	RUN(test_challenge_bodies);
	return test_report("test_body_acme");
}
