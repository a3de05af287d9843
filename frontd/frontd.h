#ifndef MOAT_FRONTD_H
#define MOAT_FRONTD_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "acmedirs.h"
#include "body_cfg.h"
#include "http_parse.h"
#include "daemon.h"
#include "ipc.h"
#include "proc.h"
#include "tlssign.h"

#define FRONTD_MAX_LISTEN	16

struct frontd_listener {
	char			 name[80];
	int			 fd;
	int			 acme;		/* plain HTTP, http-01 only */
	struct evconnlistener	*evl;
};

/* What a config push fills in; applied whole at cfg.done. */
struct frontd_config {
	struct daemon_config	 common;
	struct ipc_cfg_http	 http;
	char			*cert_pem;
	size_t			 cert_len;
#ifdef MOAT_BENCH_KEY_IN_FRONTD
	char			*key_pem;
	size_t			 key_len;
#endif
	struct sockaddr_storage	 proxies[CFG_PROXIES_MAX];
	uint32_t		 nproxies;
	struct acme_dirs	 acme;
};

struct frontd {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct frontd_config	 pending;
	struct ipc_cfg_http	 http;		/* in force, as cfg.http */
	uint32_t		 ipc_timeout_ms;
	SSL_CTX			*ssl_ctx;
	struct frontd_listener	 listeners[FRONTD_MAX_LISTEN];
	int			 nlisteners;
	int			 serving;
	uint32_t		 connections;
	uint64_t		 requests;
	uint64_t		 nofile;	/* RLIMIT_NOFILE, raised */
	/* X-Forwarded-For is believed from these peers only */
	struct sockaddr_storage	 proxies[CFG_PROXIES_MAX];
	uint32_t		 nproxies;
	/* the acme directories an account may name */
	struct acme_dirs	 acme;
	/* where the acme listener redirects to: an HTTPS listener's */
	uint16_t		 https_port;
};

extern struct frontd *frontd_env;

/* config.c */
int	 config_common(struct ipc_chan *, struct ipc_msg *);
int	 config_http(struct ipc_chan *, struct ipc_msg *);
int	 config_proxies(struct ipc_chan *, struct ipc_msg *);
int	 config_listen(struct ipc_chan *, struct ipc_msg *);
int	 config_acme(struct ipc_chan *, struct ipc_msg *);
int	 config_tls_cert(struct ipc_chan *, struct ipc_msg *);
int	 config_tls_key(struct ipc_chan *, struct ipc_msg *);
int	 config_done(struct ipc_chan *, struct ipc_msg *);
int	 config_proc_start(struct ipc_chan *, struct ipc_msg *);

/* tls.c: contexts whose private key is in authd */
void	 tls_init(void);
SSL_CTX	*tls_ctx_new(const char *cert, size_t certlen);
#ifdef MOAT_BENCH_KEY_IN_FRONTD
/* the benchmark's build only: the key in this process, to compare */
SSL_CTX	*tls_ctx_new_inprocess(const char *cert, size_t certlen,
	    const char *key, size_t keylen);
#endif

/* tlskey.c: an OpenSSL provider whose keys hold the public half of the
 * certificate's key and have a signer make their signatures; 0 or -1 */
typedef int	(*tlskey_signer)(const uint8_t id[TLSSIGN_KEYID_LEN],
	    uint32_t scheme, const uint8_t *tbs, size_t tbslen, uint8_t *sig,
	    size_t sigcap, size_t *siglen);
void	 tlskey_init(tlskey_signer);
EVP_PKEY *tlskey_remote(X509 *cert);

/* signlink.c: blocking round trips to authd on the signing link */
void	 signlink_init(void);
int	 signlink_sign(const uint8_t id[TLSSIGN_KEYID_LEN], uint32_t scheme,
	    const uint8_t *tbs, size_t tbslen, uint8_t *sig, size_t sigcap,
	    size_t *siglen);
/* While on, requests wait for authd even in a back-off after it was
 * slow: a configuration push's proof of its key, once per reload. */
void	 signlink_patient(int on);

/* peers.c: connections per client address */
int	 peers_acquire(const struct sockaddr *, uint32_t limit);
void	 peers_release(const struct sockaddr *);

/* server.c */
void	 server_add_listener(const char *name, int fd, int acme);
void	 server_start(void);
void	 server_pause_accept(void);
void	 server_resume_accept(void);

#endif
