/*
 * The messages of a user's devices (certificates apiv1, issue 11): a
 * device is registered through authd, which mints its token (shown
 * once; stored keeps the public id and the HMAC of the secret), read,
 * listed and deleted in stored, and given certificates to install.
 */
#ifndef MOAT_BODY_DEVICES_H
#define MOAT_BODY_DEVICES_H

#include "body.h"
#include "body_certs.h"
#include "fields.h"
#include "keyrec.h"

#define DEVICE_NAME_MAX		64
#define DEVICE_DESC_MAX		255
#define DEVICE_TYPE_MAX		32
#define DEVICE_PK_MAX		44	/* base64 of an X25519 public key */
#define DEVICE_DIGEST_LEN	32
#define DEVICE_PUBLIC_ID_MAX	15

enum device_op {
	DEVICE_OP_GET = 1,
	DEVICE_OP_DELETE,
};

enum device_assign_op {
	DEVICE_ASSIGN = 1,	/* a certificate to a device */
	DEVICE_UNASSIGN,
};

/* A device, as listed: never its token */
struct device_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	char		 name[DEVICE_NAME_MAX + 1];
	char		 description[DEVICE_DESC_MAX + 1];
	char		 device_type[DEVICE_TYPE_MAX + 1];
	char		 dev_pk[DEVICE_PK_MAX + 1];	/* "" when none */
	uint64_t	 certs;		/* certificates assigned */
	int64_t		 created_at;
};

/* auth.device.create: a device to register, from frontd */
struct ipc_device_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 name[DEVICE_NAME_MAX + 1];
	char		 description[DEVICE_DESC_MAX + 1];
	char		 device_type[DEVICE_TYPE_MAX + 1];
	char		 dev_pk[DEVICE_PK_MAX + 1];
};

#define DEVSESS_FAMILY_MAX	36	/* a UUID */

/*
 * An agent's session: an access token (da_) and a refresh token (dr_),
 * each kept as its public id and the HMAC of its secret, and the family
 * both belong to (every token turned over from one registration).
 */
struct devsess_rec {
	char		 family[DEVSESS_FAMILY_MAX + 1];	/* "": none */
	char		 access_id[DEVICE_PUBLIC_ID_MAX + 1];
	uint8_t		 access_digest[DEVICE_DIGEST_LEN];
	size_t		 access_digest_len;
	int64_t		 access_expires;
	char		 refresh_id[DEVICE_PUBLIC_ID_MAX + 1];
	uint8_t		 refresh_digest[DEVICE_DIGEST_LEN];
	size_t		 refresh_digest_len;
	int64_t		 refresh_expires;
};

/*
 * store.device.create: the device and its token's record, from authd;
 * with a session too when an agent registers (sess.family not "")
 */
struct ipc_device_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	struct device_rec device;
	char		 public_id[DEVICE_PUBLIC_ID_MAX + 1];
	uint8_t		 digest[DEVICE_DIGEST_LEN];
	size_t		 digest_len;
	struct devsess_rec sess;
};

/* auth.device.refresh: a refresh token, from frontd */
struct ipc_devsess_refresh {
	char		 peer[FIELD_PEER_MAX + 1];
	char		 token[KEYTOKEN_MAX + 1];
};

/*
 * store.devsess.rotate: authd checked the refresh token's secret; stored
 * marks it used (once: a second use ends the family) and keeps the new
 * pair, of the same family.  Answered with the device (device.res).
 */
struct ipc_devsess_rotate {
	uint64_t	 old_oid;	/* the refresh token's row */
	struct devsess_rec sess;
};

/* devsess.res: the device and its session's tokens, shown this once */
struct ipc_devsess_res {
	struct ipc_head	 head;
	struct device_rec device;
	char		 access_token[KEYTOKEN_MAX + 1];
	char		 refresh_token[KEYTOKEN_MAX + 1];
	int64_t		 expires_in;
};

/* device.res: one device; its token only in authd's answer to a create */
struct ipc_device_res {
	struct ipc_head	 head;
	struct device_rec device;
	char		 token[KEYTOKEN_MAX + 1];
};

/*
 * op.device.assign: a certificate given to (or taken from) a device of
 * the user, both named by the request; stored checks both are theirs.
 */
struct ipc_device_assign {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;
	uint32_t	 op;		/* enum device_assign_op */
	char		 user[FIELD_REF_MAX + 1];
	char		 device[FIELD_REF_MAX + 1];
	char		 cert[FIELD_REF_MAX + 1];
	uint32_t	 dialect;
};

/* device.assign.res: the pair, as ids */
struct ipc_device_assign_res {
	struct ipc_head	 head;
	uint64_t	 device_oid;
	uint64_t	 cert_oid;
	int64_t		 assigned_at;
};

/*
 * devkey.res: stored to authd, for a device's deploy materials (asked
 * with devkey.get, an op.cert body with the device's grant): the key of
 * a certificate given to the device, sealed, and the device's X25519
 * public key it is to be wrapped to.
 */
struct ipc_devkey_res {
	struct ipc_head	 head;
	uint64_t	 oid;
	char		 id[37];
	char		 cert_pem[CERT_PEM_MAX + 1];
	char		 chain_pem[CERT_PEM_MAX + 1];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
	char		 dev_pk[DEVICE_PK_MAX + 1];
};

#define DEPLOY_DATA_KEY64_MAX	108	/* base64 of a sealed box of 32 */
#define DEPLOY_NONCE64_MAX	16	/* base64 of 12 bytes */
#define DEPLOY_KEY64_MAX	4688	/* base64 of the key PEM and a tag */

/*
 * deploy.res: authd to frontd, the deploy materials: the key PEM under
 * AES-256-GCM with a random data key, and that key sealed to the
 * device's X25519 key (crypto_box_seal): nothing frontd can open.
 */
struct ipc_deploy_res {
	struct ipc_head	 head;
	uint64_t	 cert_oid;
	char		 cert_pem[CERT_PEM_MAX + 1];
	char		 chain_pem[CERT_PEM_MAX + 1];
	char		 enc_data_key[DEPLOY_DATA_KEY64_MAX + 1];
	char		 nonce[DEPLOY_NONCE64_MAX + 1];
	char		 enc_privkey[DEPLOY_KEY64_MAX + 1];
};

#define SIGNAL_TYPE_MAX		31
#define SIGNAL_REF_MAX		23

/* op.self.updates: a device's poll, after cursor (0: from the start) */
struct ipc_updates_req {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint64_t	 cursor;
	uint32_t	 limit;
	int		 again;		/* frontd's, for a poll it holds */
	int		 fresh;		/* no cursor: whatever is kept */
};

/* updates.res: then count signal_rec; cursor the last one's (or the
 * request's when none came) */
struct ipc_updates_res {
	struct ipc_head	 head;
	uint64_t	 device_oid;
	uint64_t	 cursor;
	uint64_t	 count;
};

struct signal_rec {
	char		 type[SIGNAL_TYPE_MAX + 1];
	int64_t		 ts_ms;
	char		 ref[SIGNAL_REF_MAX + 1];	/* a cert's id, or "" */
};

/* device.signaled: stored tells frontd a device has a new signal */
struct ipc_device_signaled {
	uint64_t	 device_oid;
};

extern const struct ipc_body body_devsess_rec;
extern const struct ipc_body body_devsess_refresh;
extern const struct ipc_body body_devsess_rotate;
extern const struct ipc_body body_devsess_res;
extern const struct ipc_body body_updates_req;
extern const struct ipc_body body_updates_res;
extern const struct ipc_body body_signal_rec;
extern const struct ipc_body body_device_signaled;
extern const struct ipc_body body_devkey_res;
extern const struct ipc_body body_deploy_res;
extern const struct ipc_body body_device_rec;
extern const struct ipc_body body_device_create;
extern const struct ipc_body body_device_store;
extern const struct ipc_body body_device_res;
extern const struct ipc_body body_device_assign;
extern const struct ipc_body body_device_assign_res;

#endif
