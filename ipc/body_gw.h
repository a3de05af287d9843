/*
 * The bodies of the SSH gateway's messages (DESIGN.md, "The SSH
 * gateway"): gatewayd asks authd to check a login, authd asks stored
 * for the host, its owner and the owner's credentials, authd gives taskd
 * a permit, gatewayd presents the permit's ticket to taskd to open a
 * session, and taskd hands the session's socket over.
 */
#ifndef MOAT_BODY_GW_H
#define MOAT_BODY_GW_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_auth.h"
#include "body_keys.h"
#include "hostrec.h"

/* a permit's ticket: 32 random bytes in hex */
#define GW_TICKET_LEN		64
/* what a client may send as a password; longer is refused, never cut */
#define GW_PASSWORD_MAX		256
#define GW_SECRET_MAX		SSHKEY_BLOB64_MAX
#define GW_TERM_MAX		63
#define GW_COMMAND_MAX		4095
#define GW_STATUS_MAX		15

enum gw_method {
	GW_METHOD_PASSWORD = 1,
	GW_METHOD_PUBLICKEY = 2
};

enum gw_kind {
	GW_KIND_SHELL = 1,
	GW_KIND_EXEC = 2,
	GW_KIND_SFTP = 3
};

/* gw.auth: a login attempt (or, probe, whether a key would do) */
struct ipc_gw_auth {
	uint64_t	 conn_id;
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	uint32_t	 method;		/* enum gw_method */
	int		 probe;
	char		 peer[AUTH_PEER_LEN];
	char		 key_type[SSHKEY_TYPE_MAX + 1];
	char		 secret[GW_SECRET_MAX + 1];	/* or the key, base64 */
};

/* gw.auth.res: on 2xx, the ticket taskd holds a permit for */
struct ipc_gw_auth_res {
	struct ipc_head	 head;
	char		 ticket[GW_TICKET_LEN + 1];
};

/* gw.host.get: what authd needs to judge a login on a host */
struct ipc_gw_host_get {
	char		 short_id[HOST_SHORT_ID_LEN + 1];
};

/* gw.host.res, then the owner's keys as authorized_keys lines */
struct ipc_gw_host_res {
	struct ipc_head	 head;
	uint64_t	 host_oid;
	uint64_t	 user_oid;
	char		 host_status[GW_STATUS_MAX + 1];
	char		 user_status[GW_STATUS_MAX + 1];
	int		 user_expired;
	char		 ref[FIELD_REF_MAX + 1];	/* the seal's binding */
	uint8_t		 sealed[KEY_SEALED_MAX];
	size_t		 sealed_len;			/* 0: no password */
};

/* gw.permit: authd tells taskd that this ticket may open sessions on
 * this host, for this connection, if first used within ttl seconds */
struct ipc_gw_permit {
	char		 ticket[GW_TICKET_LEN + 1];
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	uint64_t	 conn_id;
	uint32_t	 ttl;
};

/* gw.session.open: a channel's session; taskd answers gw.session.res,
 * after gw.session.fd on success */
struct ipc_gw_session_open {
	char		 ticket[GW_TICKET_LEN + 1];
	uint64_t	 conn_id;
	uint32_t	 open_id;
	uint32_t	 kind;			/* enum gw_kind */
	int		 tty;
	uint32_t	 cols;
	uint32_t	 rows;
	char		 term[GW_TERM_MAX + 1];
	char		 command[GW_COMMAND_MAX + 1];
};

struct ipc_gw_session_res {
	struct ipc_head	 head;
	uint32_t	 open_id;
};

/* gw.session.fd: the session's control socket (taskd/session.c) */
struct ipc_gw_session_fd {
	uint32_t	 open_id;
	int		 fd;
};

/* gw.conn.closed: the permits of the connection end with it */
struct ipc_gw_conn_closed {
	uint64_t	 conn_id;
};

extern const struct ipc_body body_gw_auth;
extern const struct ipc_body body_gw_auth_res;
extern const struct ipc_body body_gw_host_get;
extern const struct ipc_body body_gw_host_res;
extern const struct ipc_body body_gw_permit;
extern const struct ipc_body body_gw_session_open;
extern const struct ipc_body body_gw_session_res;
extern const struct ipc_body body_gw_session_fd;
extern const struct ipc_body body_gw_conn_closed;

#endif
