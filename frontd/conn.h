/*
 * One HTTPS connection: the request being read, the answer being written,
 * and the IPC request in flight on its behalf, if any.
 */
#ifndef MOAT_CONN_H
#define MOAT_CONN_H

#include <sys/socket.h>

#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "dialect.h"
#include "frontd.h"
#include "http_parse.h"
#include "ipc.h"

enum conn_state {
	CONN_HEAD,		/* waiting for (the rest of) a request head */
	CONN_BODY,		/* reading the body */
	CONN_HANDLING,		/* a route is working on it */
	CONN_WRITING,		/* the answer is being flushed */
	CONN_LINGER,		/* rejected: draining what the client still
				   sends, so that it reads our answer */
};

struct conn {
	struct bufferevent	*bev;
	struct event		*timer;
	enum conn_state		 state;
	int			 head_started;
	int			 close_after;	/* close once written */
	int			 linger;	/* drain input before closing */
	char			*head;		/* a stable copy of the head */
	size_t			 head_len;
	struct http_request	*req;		/* while one is served, in the
						   size of its fields (see
						   http_request_dup) */
	struct http_chunked	 chunked;
	char			*body;
	size_t			 body_len;
	char			 peer[64];	/* address text for logs */
	struct sockaddr_storage	 peer_addr;
	/* the limits in force when it connected: a reload that raises
	 * them must not outgrow buffers sized by the old ones */
	struct ipc_cfg_http	 lim;
	size_t			 body_cap;
	struct ipc_chan		*ipc_chan;	/* request in flight */
	uint32_t		 ipc_reqid;
	uint64_t		 id;
	struct api_req		*api;		/* the request being served */
	int			 acme;		/* on the acme listener: plain
						   HTTP, http-01 only */
};

struct api_req;

/* response.c */
void	 response_json(struct conn *, int status, const char *body,
	    size_t len);
/* The same with extra header lines ("Name: value\r\n" each). */
void	 response_json_headers(struct conn *, int status, const char *headers,
	    const char *body, size_t len);
void	 response_typed(struct conn *, int status, const char *ctype,
	    const char *headers, const char *body, size_t len);
void	 response_error(struct conn *, int status, const char *message);
/* text/plain, for the acme listener */
void	 response_text(struct conn *, int status, const char *headers,
	    const char *body, size_t len);
enum dialect response_dialect(const char *path, size_t len);
/* An error in the dialect's shape ({"error": ...} for control plane v1). */
json_t	*response_error_body(enum dialect, int status, const char *message);

/* acme.c: the acme listener's one route (http-01) and its redirect */
void	 acme_serve(struct conn *);
/* what the acme listener refuses before reading a body: 0 or -1 */
int	 acme_head_refused(struct conn *, int *status, const char **why);

/* server.c */
/*
 * Who serves a request once it is read whole, and who frees what serving
 * it kept (c->api) when it is answered or the connection ends: the layers
 * above server.c, which calls them and is called by them.
 */
typedef void	(*conn_fn)(struct conn *);
struct server_hooks {
	conn_fn	 serve;		/* an HTTPS request */
	conn_fn	 release;
	conn_fn	 acme;		/* a request on the acme listener */
	int	(*acme_refuses)(struct conn *, int *status, const char **why);
};
void	 server_init(const struct server_hooks *);
void	 conn_ipc_started(struct conn *, struct ipc_chan *, uint32_t reqid);
void	 conn_ipc_done(struct conn *);
/* A request held longer than request_timeout (a long poll) */
void	 conn_hold(struct conn *, uint32_t seconds);

#endif
