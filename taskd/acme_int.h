/*
 * The ACME engine's own pieces: the client's state, the transport
 * (acme_http.c), the JWS (acme_jws.c), the requests (acme_req.c).
 */
#ifndef MOAT_ACME_INT_H
#define MOAT_ACME_INT_H

#include "acme.h"

#define B64URL_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-_"
#define ACME_URL_MAX		2048
#define ACME_NONCE_MAX		256
#define ACME_POLL_DEFAULT	300	/* seconds of polling of one object */
#define ACME_RETRY_MIN		1	/* Retry-After taken, in seconds */
#define ACME_RETRY_MAX		30

struct acme {
	char			 dir_url[ACME_URL_MAX];
	char			*ca_file;
	char			*ca_pem;	/* or the roots themselves */
	size_t			 ca_len;
	long			 timeout;
	long			 poll_limit;
	json_t			*dir;
	char			 nonce[ACME_NONCE_MAX];
	char			 kid[ACME_URL_MAX];
	const struct acme_signer *signer;
	unsigned int		 bad_nonces;	/* refusals retried */
	char			 err[ACME_ERR_MAX];
};

struct acme_resp {
	long		 status;
	char		*body;
	size_t		 len;
	size_t		 cap;		/* the most body taken */
	int		 truncated;
	char		 location[ACME_URL_MAX];
	long		 retry_after;	/* seconds, 0 when absent */
};

/* acme.c */
void	acme_seterr(struct acme *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	acme_resp_error(struct acme *, const char *what,
	    const struct acme_resp *);
int	acme_https_url(const char *);
const char *acme_dir_url(struct acme *, const char *key);
json_t	*acme_resp_json(struct acme *, const struct acme_resp *);
void	acme_sleep_retry(const struct acme_resp *);

/* acme_http.c */
int	acme_http(struct acme *, const char *method, const char *url,
	    const char *body, const char *accept, struct acme_resp *);
void	acme_resp_free(struct acme_resp *);
int	acme_new_nonce(struct acme *);

/* acme_jws.c */
char	*acme_b64url(const void *, size_t);
int	 acme_b64url_decode(const char *, uint8_t *, size_t, size_t *);
int	 acme_thumbprint(const json_t *jwk, char *out, size_t outlen);
char	*acme_jws(struct acme *, const struct acme_signer *,
	    const char *url, const char *payload, int with_jwk,
	    int with_nonce);
char	*acme_eab(struct acme *, const struct acme_signer *,
	    const char *url, const struct acme_eab *);
char	*acme_eab_key(struct acme *, const struct acme_signer *,
	    const char *url, const char *kid, const char *hmac_b64);

/* acme_req.c */
int	acme_post(struct acme *, const char *url, const char *payload,
	    int with_jwk, const char *accept, struct acme_resp *);
int	acme_post_json(struct acme *, const char *url, const char *payload,
	    json_t **, struct acme_resp *);
int	acme_poll(struct acme *, const char *url, const char *const *done,
	    json_t **);

/* acme_chal.c */
int	acme_authorize(struct acme *, const char *authz_url,
	    const struct acme_order_req *);

#endif
