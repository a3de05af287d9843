/*
 * The ACME (RFC 8555) client engine.  Synchronous (libcurl's easy API):
 * it runs in a worker that taskd forks for one job, so blocking is fine.
 * It never holds a private key: every signature is asked of a struct
 * acme_signer (later a request to authd through taskd), and the CSR
 * arrives as DER bytes made elsewhere.  Challenges are solved through
 * the callbacks of a struct acme_solver (moat's acme listener for
 * http-01, an RFC 2136 update for dns-01).
 *
 * The directory URL is configuration, never taken from a request; every
 * URL the engine follows must be https, redirects are not followed,
 * answers are capped in size and time, and TLS is verified (with the
 * directory's own CA file when one is given).
 *
 * Errors: every function returns 0 or -1, and acme_error() then says
 * why, with the CA's problem document (type, detail, subproblems) when
 * the CA sent one.
 */
#ifndef MOAT_ACME_H
#define MOAT_ACME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define ACME_ERR_MAX		1024
#define ACME_BODY_MAX		(256 * 1024)	/* one answer of the CA, or a chain */
/*
 * A post refused for its nonce is sent again with the nonce the refusal
 * brought, this many times at most: enough that a CA refusing half of
 * them (pebble's test mode) fails a post once in 65536.
 */
#define ACME_BADNONCE_TRIES	16
#define ACME_NAMES_MAX		100	/* identifiers in one order */

/*
 * Signs in (the JWS signing input) with the key whose public half is
 * jwk.  *siglen holds the room in sig on entry and the length written
 * on return.  ES256/ES384 signatures may be returned as DER (as OpenSSL
 * makes them) or raw R||S: the engine converts to the fixed width JWS
 * wants.  RS256 is PKCS#1 v1.5 over SHA-256.  Returns 0 or -1.
 */
struct acme_signer {
	const char	*alg;		/* "ES256", "ES384" or "RS256" */
	json_t		*jwk;		/* the public key, as a JWK */
	int		(*sign)(void *arg, const void *in, size_t inlen,
			    uint8_t *sig, size_t *siglen);
	void		*arg;
};
#define ACME_SIG_MAX	1024	/* RSA 8192 */

/*
 * External Account Binding by whoever holds the CA's MAC key (authd,
 * for taskd's worker): mac computes HS256 of in into mac; *maclen holds
 * the room on entry (at least 32) and 32 on return.  0 or -1.
 */
struct acme_eab {
	const char	*kid;
	int		(*mac)(void *arg, const void *in, size_t inlen,
			    uint8_t *mac, size_t *maclen);
	void		*arg;
};

/*
 * value is the key authorization for http-01 (served as the body of
 * /.well-known/acme-challenge/TOKEN) and its digest (base64url of its
 * SHA-256, the TXT of _acme-challenge.IDENT) for dns-01.  present
 * returns 0 or -1; cleanup is called once for every present that
 * succeeded, whatever the outcome.
 */
struct acme_solver {
	int	(*present)(void *arg, const char *type, const char *ident,
		    const char *token, const char *value);
	void	(*cleanup)(void *arg, const char *type, const char *ident,
		    const char *token, const char *value);
	void	*arg;
};

struct acme_order_req {
	const char *const	*names;		/* dns identifiers */
	size_t			 nnames;
	const char		*challenge;	/* "http-01" or "dns-01" */
	const uint8_t		*csr;		/* DER */
	size_t			 csrlen;
	const char		*resume_url;	/* an order made before, or NULL */
	/*
	 * Called as soon as a new order exists, before anything else is
	 * done for it, so that the caller can record it and resume it
	 * after a crash; returning -1 stops the issuance.
	 */
	int			(*order_created)(void *arg, const char *url);
	void			*arg;
	const struct acme_solver *solver;
};

struct acme_cert {
	char	*leaf;		/* PEM, the end-entity certificate */
	char	*chain;		/* PEM, the rest ("" when the CA sent none) */
	char	*order_url;
};

struct acme_window {
	time_t	 start;
	time_t	 end;
	long	 retry_after;	/* seconds before asking again, or 0 */
	char	 explanation[512];	/* explanationURL, or "" */
};

struct acme;

/*
 * ca_file may be NULL (the system's roots); timeout is per request.  The
 * worker calls curl_global_init() once, before its sandbox, as libcurl
 * asks of a program.
 */
struct acme	*acme_new(const char *directory_url, const char *ca_file,
		    long timeout_s);
void		 acme_free(struct acme *);
/* The roots as PEM instead of a file (a worker opens none). */
int		 acme_set_ca_pem(struct acme *, const char *pem, size_t len);
const char	*acme_error(const struct acme *);
/* How many badNonce refusals were retried, for the job's log. */
unsigned int	 acme_bad_nonces(const struct acme *);
/* Bounds the waiting for a CA: total seconds of polling of one object. */
void		 acme_set_poll_limit(struct acme *, long total_s);

/* Fetches the directory (done on demand by the calls below). */
int		 acme_directory(struct acme *);
int		 acme_directory_meta(struct acme *, const char *key);

/*
 * Creates the account of signer's key, or finds it when only_existing.
 * contact may be NULL.  When the directory's meta says
 * externalAccountRequired, eab_kid and eab_hmac (base64url, as CAs give
 * it) must be given.  On success the account URL is the key id used for
 * the requests that follow.
 */
int		 acme_account(struct acme *, const struct acme_signer *,
		    const char *contact, const char *eab_kid,
		    const char *eab_hmac, int only_existing);
/* The same, the EAB computed by eab (NULL: none) rather than here. */
int		 acme_account_eab(struct acme *, const struct acme_signer *,
		    const char *contact, const struct acme_eab *eab,
		    int only_existing);
/* Uses an account already known by its URL. */
int		 acme_use_account(struct acme *, const struct acme_signer *,
		    const char *account_url);
const char	*acme_account_url(const struct acme *);
/* Rolls the account's key over to newkey, which then signs. */
int		 acme_key_change(struct acme *, const struct acme_signer *);

/* Gets a certificate: a new order or the one at req->resume_url. */
int		 acme_issue(struct acme *, const struct acme_order_req *,
		    struct acme_cert *);
void		 acme_cert_free(struct acme_cert *);

/* ARI (RFC 9773): the CA's suggested renewal window for a PEM cert. */
int		 acme_renewal_info(struct acme *, const char *cert_pem,
		    struct acme_window *);
/*
 * When to renew a certificate valid from nb to na: inside the CA's
 * suggested window (RFC 9773 4.2: a uniformly random time in it, rnd
 * choosing), or at two thirds of its lifetime when there is none or it
 * makes no sense (empty, reversed, or ending after the certificate).
 */
time_t		 acme_renew_time(time_t nb, time_t na,
		    const struct acme_window *, uint32_t rnd);

/* A POST-as-GET of an object of the account (orders lists, ...). */
int		 acme_fetch(struct acme *, const char *url, json_t **);

/* Parsing, apart for the tests and the fuzzer. */
int		 acme_problem_text(const char *body, size_t len, char *out,
		    size_t outlen);
int		 acme_split_chain(const char *pem, size_t len,
		    struct acme_cert *);
int		 acme_parse_time(const char *, time_t *);

#endif
