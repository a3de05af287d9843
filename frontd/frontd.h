#ifndef MOAT_FRONTD_H
#define MOAT_FRONTD_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "http_parse.h"
#include "daemon.h"
#include "ipc.h"
#include "proc.h"

#define FRONTD_MAX_LISTEN	16
#define TLS_MAX_PEM		(64 * 1024)

struct frontd_http {
	uint32_t	 max_connections;
	uint32_t	 max_per_address;
	uint32_t	 max_header_bytes;
	uint32_t	 max_headers;
	uint32_t	 max_body;
	uint32_t	 header_timeout;
	uint32_t	 request_timeout;
	uint32_t	 idle_timeout;
};

struct frontd_listener {
	char			 name[80];
	int			 fd;
	struct evconnlistener	*evl;
};

/* What a config push fills in; applied whole at cfg.done. */
struct frontd_config {
	struct daemon_config	 common;
	struct frontd_http	 http;
	char			*cert_pem;
	size_t			 cert_len;
	char			*key_pem;
	size_t			 key_len;
	struct sockaddr_storage	 proxies[16];
	uint32_t		 nproxies;
};

struct frontd {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct frontd_config	 pending;
	struct frontd_http	 http;		/* in force */
	uint32_t		 ipc_timeout_ms;
	SSL_CTX			*ssl_ctx;
	struct frontd_listener	 listeners[FRONTD_MAX_LISTEN];
	int			 nlisteners;
	int			 serving;
	uint32_t		 connections;
	uint64_t		 requests;
	/* X-Forwarded-For is believed from these peers only */
	struct sockaddr_storage	 proxies[16];
	uint32_t		 nproxies;
};

extern struct frontd *frontd_env;

/* config.c */
int	 config_dispatch(struct ipc_chan *, struct ipc_msg *);

/* tls.c: the one place where the private key is loaded */
void	 tls_init(void);
SSL_CTX	*tls_ctx_new(const char *cert, size_t certlen, const char *key,
	    size_t keylen);

/* peers.c: connections per client address */
int	 peers_acquire(const struct sockaddr *, uint32_t limit);
void	 peers_release(const struct sockaddr *);

/* server.c */
void	 server_add_listener(const char *name, int fd);
void	 server_start(void);
void	 server_pause_accept(void);
void	 server_resume_accept(void);

#endif
