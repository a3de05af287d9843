/*
 * Messages between the processes of the suite.
 *
 * A message is one SOCK_SEQPACKET datagram: a fixed header and a msgpack
 * body that is one flat positional array of scalars.  The catalogue
 * (catalogue.c) names every type, how large it may be, which process may
 * send it to which, and whether it is a request, a reply or carries a
 * descriptor.  Anything outside the catalogue is a protocol violation and
 * the receiver treats its peer as compromised.
 *
 * Every type owns a typed body (body.h): a struct and its field table,
 * named by the catalogue.  A sender fills the struct and writes it whole,
 * a receiver reads it whole:
 *	ipc_msg_init(&m, IPC_X, 0);
 *	ipc_msg_put(&m, &x);
 *	ipc_send(chan, &m);
 * and
 *	if (ipc_msg_get(m, &x) == -1)
 *		return -1;
 * The items a table is walked with are ipc/'s alone (wire.h).
 *
 * Two kinds of failure, and only one stops the suite (DESIGN.md, "IPC"):
 * a protocol violation (m->error) is what no honest peer can send: an
 * item of the wrong type, too few or too many items, a malformed body.
 * The channel then closes and the suite fails closed.  A refusal
 * (m->refused) is content the receiver will not take: a string longer
 * than it keeps, text with a NUL, a number out of its range, or what a
 * handler refuses with ipc_refuse().  A refused request is answered with
 * an error head (status and message), which reaches the client as a 4xx;
 * a refused one-way message is logged and dropped; a refused reply is a
 * failed answer for the requester.  Nothing refused stops anything.
 *
 * Every reply begins with a head: its status (an HTTP status) and a
 * message.  The rest of its body follows only when the status is 2xx; an
 * error head may be followed by one retry-after number of seconds.  So
 * any request can be refused with a head alone (ipc_answer_status).
 */
#ifndef MOAT_IPC_H
#define MOAT_IPC_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdint.h>
#include <stddef.h>

#include <event2/event.h>
#include <msgpack.h>

#include "body.h"
#include "proc.h"
/*
 * The protocol's version: a hash of the catalogue and of every body's
 * fields, made at build time (ipc/version.c), so that two builds that
 * disagree on any message refuse each other at hello.
 */
#ifndef IPC_VERSION_GENERATING
#include "ipc_version.h"
#endif
/* what every frame's header carries of it; hello carries it whole */
#define IPC_FRAME_VERSION	((uint16_t)(IPC_VERSION & 0xffff))

#define IPC_HDR_LEN		12
/* The largest datagram of any type; results beyond it are paged. */
#define IPC_MAX_MSG		(128 * 1024)
/* Bounds the items of one body, whatever its byte size. */
#define IPC_MAX_ITEMS		8192
#define IPC_MAX_QUEUE		4096
#define IPC_SEND_BATCH		64	/* datagrams per sendmmsg */

struct ipc_hdr {
	uint32_t	 len;		/* header and body */
	uint16_t	 type;
	uint16_t	 version;
	uint32_t	 reqid;		/* 0 for one-way messages */
};

enum ipc_type {
	IPC_HELLO = 1,
	/* moatd pushes the configuration, then cfg.done; children ack. */
	IPC_CFG_COMMON,
	IPC_CFG_HTTP,
	IPC_CFG_LISTEN,
	IPC_CFG_TLS_CERT,
	IPC_CFG_TLS_KEY,
	IPC_CFG_AUTH,
	IPC_CFG_MASTER_KEY,
	IPC_CFG_TASK,
	IPC_CFG_DONE,
	IPC_CFG_ACK,
	IPC_PROC_START,
	/* first start: an admin with a random password */
	IPC_ADMIN_BOOTSTRAP,
	IPC_ADMIN_BOOTSTRAP_RES,
	IPC_USER_BOOTSTRAP,
	IPC_USER_BOOTSTRAP_RES,
	/* GET /healthz: frontd asks stored, stored asks taskd */
	IPC_HEALTH_CHECK,
	IPC_HEALTH_RESULT,
	IPC_AGENT_PING,
	IPC_AGENT_PONG,
	/* a no-op round trip, for the benchmark and liveness */
	IPC_PING,
	IPC_PONG,
	/* moatctl <-> moatd */
	IPC_CTL_STATUS,
	IPC_CTL_STATUS_RES,
	IPC_CTL_RELOAD,
	IPC_CTL_RESULT,
	/* identity: configuration */
	IPC_CFG_IDENTITY,
	IPC_CFG_PROXIES,
	IPC_GRANT_KEY,
	/* identity: frontd asks authd */
	IPC_AUTH_LOGIN,
	IPC_AUTH_LOGIN_RES,
	IPC_AUTH_VERIFY,
	IPC_AUTH_VERIFY_RES,
	IPC_AUTH_USER_CREATE,
	IPC_AUTH_ROTATE_PW,
	IPC_AUTH_CHANGE_PW,
	IPC_AUTH_PASSWORD_RES,
	/* identity: authd asks stored */
	IPC_CRED_GET,
	IPC_CRED_RES,
	IPC_SESSION_CREATE,
	IPC_SESSION_RES,
	IPC_AUTH_EVENT,
	IPC_STORE_USER_CREATE,
	IPC_STORE_SET_PASSWORD,
	/* identity: frontd asks stored, with a grant */
	IPC_OP_USER_LIST,
	IPC_USER_LIST_RES,
	IPC_OP_USER_GET,
	IPC_OP_USER_PATCH,
	IPC_OP_USER_EXPIRY,
	IPC_OP_USER_DELETE,
	IPC_OP_ME,
	IPC_OP_LOGOUT,
	IPC_OP_EVENTS,
	IPC_EVENTS_RES,
	IPC_USER_RES,
	IPC_OP_RES,
	/* opaque tokens: sessions, keys, clients */
	IPC_TOKEN_GET,
	IPC_TOKEN_RES,
	/* certificates apiv1: API keys */
	IPC_AUTH_APIKEY_CREATE,
	IPC_STORE_APIKEY_CREATE,
	IPC_OP_APIKEY_LIST,
	IPC_OP_APIKEY_GET,
	IPC_OP_APIKEY_DELETE,
	IPC_APIKEY_RES,
	IPC_APIKEY_LIST_RES,
	/* command API: LOGIN with a client secret; clients via moatctl */
	IPC_AUTH_CLIENT_LOGIN,
	IPC_CTL_CLIENT_ADD,
	IPC_CTL_CLIENT_LIST,
	IPC_CTL_CLIENT_DEL,
	IPC_CLIENT_ADD,
	IPC_CLIENT_ADD_RES,
	IPC_STORE_CLIENT_ADD,
	IPC_CLIENT_LIST,
	IPC_CLIENT_LIST_RES,
	IPC_CLIENT_DEL,
	/* account v2: signing key pairs, signed requests, the account */
	IPC_AUTH_ACCOUNT_KEY,
	IPC_ACCOUNT_KEY_RES,
	IPC_STORE_ACCOUNT_KEY,
	IPC_ACCOUNT_KEY_GET,
	IPC_ACCOUNT_KEY_GET_RES,
	IPC_AUTH_SIGNED,
	IPC_OP_ACCOUNT_KEY_DELETE,
	IPC_OP_ACCOUNT,
	IPC_ACCOUNT_RES,

	IPC_AUTH_SSHKEY_ADD,
	IPC_STORE_SSHKEY_ADD,
	IPC_OP_SSHKEY_LIST,
	IPC_OP_SSHKEY_DELETE,
	IPC_SSHKEY_RES,
	IPC_SSHKEY_LIST_RES,
	IPC_CTL_AUTHKEYS,
	IPC_AUTHKEYS,
	IPC_AUTHKEYS_RES,

	IPC_AUTH_ACCOUNT_DATA,
	IPC_OP_ACCOUNT_DATA,
	IPC_STORE_ACCOUNT_DATA,

	IPC_OP_HOST_CREATE,
	IPC_OP_HOST_LIST,
	IPC_OP_HOST_GET,
	IPC_OP_HOST_ACTION,
	IPC_HOST_RES,
	IPC_HOST_LIST_RES,
	IPC_OP_TASK_LIST,
	IPC_TASK_LIST_RES,
	IPC_OP_STATS,
	IPC_STATS_RES,
	IPC_TASK_CLAIM,
	IPC_TASK_JOBS,
	IPC_TASK_PROGRESS,
	IPC_TASK_DONE,
	IPC_TASK_WAKE,
	IPC_HOST_STATES_GET,
	IPC_HOST_STATES,
	IPC_HOST_OBSERVED,
	IPC_CTL_TASK_NOOP,
	IPC_TASK_NOOP,
	IPC_AUTH_HOST_PASSWORD,
	IPC_STORE_HOST_PASSWORD,
	IPC_HOST_PASSWORD_RES,
	IPC_OP_GROUP,
	IPC_OP_GROUP_LIST,
	IPC_GROUP_RES,
	IPC_GROUP_LIST_RES,
	IPC_OP_SESSION_LIST,
	IPC_SESSION_LIST_RES,
	IPC_OP_SESSION_END,
	IPC_CTL_SESSIONS_END,
	IPC_SESSIONS_END,
	/* egress IPs: settings through authd (it seals the secrets) */
	IPC_AUTH_EGRESS,
	IPC_STORE_EGRESS,
	IPC_EGRESS_RES,
	IPC_OP_EGRESS,
	IPC_OP_EGRESS_LIST,
	IPC_EGRESS_LIST_RES,
	IPC_OP_BINDING,
	IPC_OP_BINDING_LIST,
	IPC_BINDING_RES,
	IPC_BINDING_LIST_RES,
	IPC_EGRESS_UNSEAL,
	IPC_EGRESS_UNSEAL_RES,
	IPC_OP_EGRESS_TEST,
	IPC_EGRESS_TEST_RES,
	IPC_EGRESS_CHECK,
	IPC_EGRESS_CHECK_RES,
	/* configuration: where admins' egress endpoints may be after all */
	IPC_CFG_EGRESS,
	/* frontd's TLS handshakes, signed by authd on the signing link */
	IPC_TLS_SIGN,
	IPC_TLS_SIGN_RES,
	/* ACME directories and http-01 challenges (issue 11) */
	IPC_CFG_ACME,
	IPC_CFG_ACME_CA,
	IPC_CFG_ACME_EAB,
	IPC_ACME_CHALLENGE_GET,
	IPC_ACME_CHALLENGE_RES,
	IPC_ACME_CHALLENGE_PUT,
	IPC_ACME_CHALLENGE_DEL,
	/* certificates apiv1: private CAs and their certificates (issue 11) */
	IPC_AUTH_CA_CREATE,
	IPC_STORE_CA_CREATE,
	IPC_CA_RES,
	IPC_OP_CA,
	IPC_OP_CA_LIST,
	IPC_CA_LIST_RES,
	IPC_AUTH_CERT_ISSUE,
	IPC_STORE_CERT_CREATE,
	IPC_CERT_RES,
	IPC_OP_CERT,
	IPC_OP_CERT_LIST,
	IPC_CERT_LIST_RES,
	IPC_AUTH_CERT_EXPORT,
	IPC_CERTKEY_GET,
	IPC_CERTKEY_RES,
	IPC_CERT_EXPORT_RES,
	/* certificates apiv1: a user's DNS providers (ACME dns-01) */
	IPC_AUTH_DNSPROV_CREATE,
	IPC_STORE_DNSPROV_CREATE,
	IPC_OP_DNSPROV_LIST,
	IPC_OP_DNSPROV_GET,
	IPC_OP_DNSPROV_DELETE,
	IPC_DNSPROV_RES,
	IPC_DNSPROV_LIST_RES,
	IPC_DNSPROV_UNSEAL,
	IPC_DNSPROV_UNSEAL_RES,
	/* certificates apiv1: a user's ACME accounts, and what taskd has
	 * authd do with their keys for a job */
	IPC_AUTH_ACMEACCT_CREATE,
	IPC_STORE_ACMEACCT_CREATE,
	IPC_OP_ACMEACCT_LIST,
	IPC_OP_ACMEACCT_GET,
	IPC_ACMEACCT_RES,
	IPC_ACMEACCT_LIST_RES,
	IPC_ACME_SIGN,
	IPC_ACME_SIGN_RES,
	IPC_ACME_CSR,
	IPC_ACME_CSR_RES,
	IPC_ACME_EAB,
	IPC_ACME_EAB_RES,
	/* certificates apiv1: devices, their certificates, their reads */
	IPC_AUTH_DEVICE_CREATE,
	IPC_STORE_DEVICE_CREATE,
	IPC_DEVICE_RES,
	IPC_OP_DEVICE,
	IPC_OP_DEVICE_LIST,
	IPC_DEVICE_LIST_RES,
	IPC_OP_DEVICE_ASSIGN,
	IPC_DEVICE_ASSIGN_RES,
	IPC_OP_SELF_CERT,
	IPC_OP_SELF_BUNDLE,
	IPC_AUTH_DEPLOY,
	IPC_DEVKEY_GET,
	IPC_DEVKEY_RES,
	IPC_DEPLOY_RES,
	IPC_OP_SELF_UPDATES,
	IPC_UPDATES_RES,
	IPC_DEVICE_SIGNALED,
	IPC_ACME_JOB_GET,
	IPC_ACME_JOB_RES,
	IPC_ACME_JOB_NOTE,
	IPC_ACME_JOB_RESULT,
	/* certificates apiv1: an agent's registration with its X25519 key,
	 * its session (access and refresh tokens) and the refresh */
	IPC_AUTH_DEVICE_REGISTER,
	IPC_AUTH_DEVICE_REFRESH,
	IPC_STORE_DEVSESS_ROTATE,
	IPC_DEVSESS_RES,
	/* certificates apiv1: an auto-renewal's new key, made by authd for
	 * the renewal taskd leases, kept by stored with it */
	IPC_ACME_RENEWKEY,
	IPC_ACME_RENEWKEY_RES,
	IPC_STORE_RENEWKEY,
	/* the command API's object model (issue 12) */
	IPC_CFG_CCE_SCHEMA,
	IPC_CFG_CCE_PASSWORDS,
	IPC_OP_CCE,
	IPC_AUTH_CCE,
	IPC_STORE_CCE,
	IPC_CCE_RES,
	/* the SSH gateway (issue 13): its key, logins, permits, sessions */
	IPC_CFG_SSH_HOSTKEY,
	IPC_GW_AUTH,
	IPC_GW_AUTH_RES,
	IPC_GW_HOST_GET,
	IPC_GW_HOST_RES,
	IPC_GW_PERMIT,
	IPC_GW_PERMIT_RES,
	IPC_GW_SESSION_OPEN,
	IPC_GW_SESSION_RES,
	IPC_GW_SESSION_FD,
	IPC_GW_CONN_CLOSED,
	/* the customer's way in over HTTP (issue 13): entry short links,
	 * bootstrap sessions */
	IPC_AUTH_ENTRY,
	IPC_ENTRY_RES,
	IPC_ENTRY_GET,
	IPC_ENTRY_REC,
	IPC_OP_ENTRY,
	IPC_AUTH_BOOTSTRAP,
	IPC_STORE_BOOTSTRAP,
	IPC_BOOTSTRAP_RES,
	IPC_OP_BOOTSTRAP_GET,
	IPC_BOOTSTRAP_TASK_RES,
	IPC_TYPE_MAX
};

#define IPC_F_REQUEST	0x01	/* carries a reqid and expects a reply */
#define IPC_F_REPLY	0x02	/* answers a request of ours */
#define IPC_F_FD	0x04	/* carries exactly one descriptor */
/*
 * Configuration and lifecycle, from moatd or authd alone: there is no
 * client in them, and a child must not run on part of its configuration,
 * so anything refused in one is a violation.
 */
#define IPC_F_STRICT	0x08

#define IPC_ROUTE(from, to)	(1ULL << ((from) * PROC_MAX + (to)))

struct ipc_msgdef {
	enum ipc_type	 type;
	const char	*name;
	uint32_t	 maxlen;	/* header included */
	uint64_t	 routes;	/* IPC_ROUTE bits */
	int		 flags;
	enum ipc_type	 reply;		/* for a request: its answer's type */
	const struct ipc_body *body;	/* what it carries */
	const struct ipc_body *item;	/* a list's element, after the body */
};

const struct ipc_msgdef	*ipc_msgdef(unsigned int type);
/* The hash IPC_VERSION is made of (version.c). */
uint64_t		 ipc_version_of(const struct ipc_msgdef *, size_t);
uint64_t		 ipc_version_now(void);
const char		*ipc_type_name(unsigned int type);

struct ipc_msg {
	uint16_t	 type;
	uint32_t	 reqid;
	int		 fd;
	enum proc_id	 from;
	/* writing */
	msgpack_sbuffer	 sbuf;
	msgpack_packer	 pk;
	uint32_t	 count;
	int		 writing;
	/* reading */
	msgpack_zone	 zone;
	msgpack_object	 root;
	uint32_t	 pos;
	int		 reading;
	int		 listing;	/* a list's items are being read */
	const char	*error;		/* the first violation */
	const char	*refused;	/* the first content refused */
	uint32_t	 refused_status;
};

void	 ipc_msg_init(struct ipc_msg *, enum ipc_type, uint32_t reqid);
/*
 * The typed body of m's type (body.h), written whole.  A reply's body
 * opens with its head; the rest follows only on 2xx.  0 when an error
 * head ended it (nothing may follow), else 1.
 */
int	 ipc_msg_put(struct ipc_msg *, const void *body);
/* One element of the list that m's type carries after its body. */
void	 ipc_msg_put_item(struct ipc_msg *, const void *item);
/*
 * Reads m's typed body whole: -1 for a violation or a refusal, else 0
 * (for a reply, its head's status says whether the rest was there).  A
 * type that carries a list is then read with ipc_msg_get_item: 1 for an
 * element, 0 when none is left and the message ended well, -1 if not.
 */
int	 ipc_msg_get(struct ipc_msg *, void *body);
int	 ipc_msg_get_item(struct ipc_msg *, void *item);
/* Patches the header; -1 if the type's size limit is exceeded. */
int	 ipc_msg_finish(struct ipc_msg *, const void **buf, size_t *len);
void	 ipc_msg_clear(struct ipc_msg *);

/*
 * Validates and decodes one datagram that process `from` sent to process
 * `to`.  fd is the descriptor that came with it or -1; on success the
 * message owns it.  On failure returns -1 with a reason in *why, and the
 * caller closes fd.
 */
int	 ipc_decode(struct ipc_msg *, const void *buf, size_t len, int fd,
	    enum proc_id from, enum proc_id to, const char **why);
/* The byte-level check of a body: exact sizes, bounded claims. */
int	 ipc_prewalk(const uint8_t *body, size_t len, const char **why);

/*
 * A handler's verdicts, each returning -1 for it to return: content it
 * will not take (answered with status and why), or what no honest peer
 * sends (the channel closes).  The first verdict stands.
 */
int	 ipc_refuse(struct ipc_msg *, uint32_t status, const char *why);
int	 ipc_violation(struct ipc_msg *, const char *why);
/*
 * The refusal so far, cleared: for a list whose elements are judged one
 * by one (a refused element is skipped or failed, the rest go on).
 */
const char *ipc_take_refusal(struct ipc_msg *);

static inline int
ipc_status_ok(uint32_t status)
{
	return status >= 200 && status < 300;
}

/*
 * A channel: one socket to one peer on a libevent base, with the hello
 * handshake, an outgoing queue for when the peer's buffer is full, and
 * request/reply correlation.
 */
struct ipc_chan;
typedef int	(*ipc_dispatch_cb)(struct ipc_chan *, struct ipc_msg *, void *);
typedef void	(*ipc_reply_cb)(struct ipc_chan *, struct ipc_msg *, void *);
typedef void	(*ipc_close_cb)(struct ipc_chan *, const char *why, void *);

struct ipc_pending {
	RB_ENTRY(ipc_pending)	 entry;
	uint32_t		 reqid;
	enum ipc_type		 expect;
	struct event		*timer;
	ipc_reply_cb		 cb;
	void			*arg;
	struct ipc_chan		*chan;
};
RB_HEAD(ipc_pending_tree, ipc_pending);

struct ipc_out {
	TAILQ_ENTRY(ipc_out)	 entry;
	void			*buf;
	size_t			 len;
	int			 fd;
};
TAILQ_HEAD(ipc_outq, ipc_out);

struct ipc_chan {
	int			 fd;
	enum proc_id		 self;
	enum proc_id		 peer;
	struct event_base	*base;
	struct event		*ev_read;
	struct event		*ev_write;
	ipc_dispatch_cb		 dispatch;
	ipc_close_cb		 on_close;
	void			*arg;
	struct ipc_outq		 outq;
	size_t			 outq_len;
	struct ipc_pending_tree	 pending;
	uint32_t		 next_reqid;
	int			 hello_seen;
	int			 closed;
	uint8_t			*rbuf;
	uint64_t		 msgs_in;
	uint64_t		 msgs_out;
};

/*
 * Takes fd, sends hello.  dispatch gets every message but hello and the
 * replies to our own requests.  When it returns -1, the message's
 * verdict decides: a refusal is answered (or, one-way, dropped) and the
 * channel goes on; anything else is a violation.  A reply callback's
 * message is judged the same way once the callback returns.
 * on_close runs once, when the peer hangs up (why is NULL) or violated
 * the protocol (why says how); after it the channel is closed.  With no
 * on_close, either ends the process: the suite fails closed.  on_close
 * must not free the channel but may call ipc_chan_free_deferred().
 */
struct ipc_chan *ipc_chan_new(struct event_base *, int fd, enum proc_id self,
	    enum proc_id peer, ipc_dispatch_cb, ipc_close_cb, void *arg);
void	 ipc_chan_free(struct ipc_chan *);
/* From inside a callback of the channel itself (on_close, dispatch). */
void	 ipc_chan_free_deferred(struct ipc_chan *);
int	 ipc_send(struct ipc_chan *, struct ipc_msg *);
int	 ipc_request(struct ipc_chan *, struct ipc_msg *, int timeout_ms,
	    ipc_reply_cb, void *arg);
/*
 * What answering a request needs, kept by a handler that answers later:
 * every answer goes through ipc_answer, with the reply type's struct and,
 * for a list, its elements put into items (taken and cleared; NULL for
 * none).  ipc_answer_status answers with a head alone, as any request may
 * be answered.
 */
struct ipc_req {
	struct ipc_chan	*chan;
	uint16_t	 type;
	uint32_t	 reqid;
};
struct ipc_req ipc_req_of(struct ipc_chan *, const struct ipc_msg *);
int	 ipc_answer(const struct ipc_req *, const void *body,
	    struct ipc_msg *items);
int	 ipc_answer_status(const struct ipc_req *, uint32_t status,
	    const char *message);
int	 ipc_answer_forward(const struct ipc_req *, const struct ipc_msg *in);
/* Cancels a pending request without calling its callback. */
void	 ipc_cancel(struct ipc_chan *, uint32_t reqid);
int	 ipc_socket_tune(int fd);
int	 ipc_socketpair(int sv[2]);

/*
 * The raw datagram, for channels without an event loop (moatctl): one
 * sendmsg with an optional descriptor; one recvmsg into buf of
 * IPC_MAX_MSG bytes.  ipc_recv_raw returns the length, 0 at end of file,
 * -1 with errno set, or -2 for a truncated datagram.
 */
int	 ipc_send_raw(int sock, const void *buf, size_t len, int fd);
ssize_t	 ipc_recv_raw(int sock, void *buf, size_t cap, int *fd);

#endif
