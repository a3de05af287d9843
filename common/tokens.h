/*
 * Opaque tokens: which table holds them and what their prefix says.
 * A token is prefix, a 12-character public id, and a 43-character
 * secret; the table keeps the id and an HMAC of the secret.
 */
#ifndef MOAT_TOKENS_H
#define MOAT_TOKENS_H

#include "fields.h"

enum token_table {
	TOKEN_SESSION = 1,
	TOKEN_APIKEY = 2,
	TOKEN_CLIENT = 3,
	TOKEN_DEVICE = 4,
	TOKEN_DEVSESS = 5,	/* an agent's access and refresh tokens */
};

#define PREFIX_APIKEY	"ak_"	/* certificates API keys */
#define PREFIX_COOKIE	"mc_"	/* the certificates API session cookie */
#define PREFIX_CCE	"ms_"	/* command API sessions from AUTH */
#define PREFIX_LOGIN	"ml_"	/* command API tokens from LOGIN */
#define PREFIX_CLIENT	"cs_"	/* command API client secrets */
#define PREFIX_DEVICE	"dt_"	/* a device's token (certificates API) */
#define PREFIX_DEVACCESS "da_"	/* an agent's access token */
#define PREFIX_DEVREFRESH "dr_"	/* an agent's refresh token */

/*
 * The kind of token a row was minted as: its prefix, or this for a
 * control-plane JWT.  A token is taken only as the kind its row records.
 */
#define SESSION_KIND_JWT	"jwt"
#define TOKEN_KIND_MAX		FIELD_TOKEN_KIND_MAX

#endif
