/*
 * The messages about egress IPs, their bindings and their test
 * (body.h): an admin's requests through frontd, the secrets through
 * authd, the tunnel's keys to taskd, moatd's allowed endpoints.
 */
#ifndef MOAT_BODY_EGRESS_H
#define MOAT_BODY_EGRESS_H

#include "body.h"
#include "egressrec.h"
#include "fields.h"

/* op.egress: an admin's get or delete of one egress IP */
struct ipc_op_egress {
	uint8_t		 grant[GRANT_LEN + 1];
	size_t		 grant_len;
	uint32_t	 op;		/* EGRESS_GET, EGRESS_DELETE */
	char		 ref[FIELD_REF_MAX + 1];
};

/*
 * auth.egress: an admin's create or update, to authd, which seals the
 * secrets (each absent, "" to clear, or its text) and makes our key.
 */
struct ipc_auth_egress {
	uint8_t		 grant[GRANT_LEN + 1];
	size_t		 grant_len;
	uint32_t	 op;		/* EGRESS_CREATE, EGRESS_UPDATE */
	char		 ref[FIELD_REF_MAX + 1];	/* "" to create */
	struct egress_given given;
	char		 secret[EGS_SECRETS][EGRESS_SECRET_MAX + 1];
	int		 secret_absent[EGS_SECRETS];
};

/*
 * store.egress: the same from authd to stored, the secrets sealed, a
 * new egress IP named (ref) so that its seals are bound to it, and our
 * public key if authd made or was given a private one.
 */
struct ipc_store_egress {
	uint8_t		 grant[GRANT_LEN + 1];
	size_t		 grant_len;
	uint32_t	 op;
	char		 ref[FIELD_REF_MAX + 1];
	struct egress_given given;
	char		 client_public_key[EGRESS_WG_KEY_LEN + 1];
	struct egress_seal seal[EGS_SECRETS];
};

/* egress.res: the egress IP, and the task a change queued ("" if none) */
struct ipc_egress_res {
	struct ipc_head	 head;
	struct egress_rec egress;
	char		 task_id[37];
};

/* op.egress.list, op.binding.list: a page of an admin's */
struct ipc_egress_page {
	uint8_t		 grant[GRANT_LEN + 1];
	size_t		 grant_len;
	uint32_t	 limit;
	uint32_t	 offset;
};

/* egress.list.res, binding.list.res: then the page's records */
struct ipc_egress_page_res {
	struct ipc_head	 head;
	uint64_t	 total;
	uint64_t	 count;
};

/*
 * op.binding: a create names the host (ref) and the egress IP, a delete
 * the binding (ref).
 */
struct ipc_op_binding {
	uint8_t		 grant[GRANT_LEN + 1];
	size_t		 grant_len;
	uint32_t	 op;		/* BINDING_CREATE, BINDING_DELETE */
	char		 ref[FIELD_REF_MAX + 1];
	char		 egress_ref[FIELD_REF_MAX + 1];
};

/* binding.res */
struct ipc_binding_res {
	struct ipc_head	 head;
	struct binding_rec binding;
	char		 task_id[37];
};

/*
 * egress.unseal: taskd has authd open the seals of a tunnel's private
 * and preshared keys, each with the reference it was sealed to.
 */
struct ipc_egress_unseal {
	char		 id[37];
	uint64_t	 oid;
	uint8_t		 sealed[2][EGRESS_SEALED_MAX];
	size_t		 sealed_len[2];
	char		 ref[2][FIELD_REF_MAX + 1];
};

/* egress.unseal.res: the keys in clear (the preshared one may be "") */
struct ipc_egress_unseal_res {
	struct ipc_head	 head;
	char		 key[2][EGRESS_SECRET_MAX + 1];
};

/* op.egress.test */
struct ipc_op_egress_test {
	uint8_t		 grant[GRANT_LEN + 1];
	size_t		 grant_len;
	char		 ref[FIELD_REF_MAX + 1];
};

/* egress.test.res */
struct ipc_egress_test_res {
	struct ipc_head	 head;
	char		 id[37];
	struct egress_test test;
};

/* egress.check: stored has taskd run the test of a tunnel */
struct ipc_egress_check {
	struct egress_job job;
	char		 declared_ip[EGRESS_ADDR_MAX + 1];
};

/* egress.check.res */
struct ipc_egress_check_res {
	struct ipc_head	 head;
	struct egress_test test;
};

/* cfg.egress: how many ranges moatd.conf allows, then each as text */
struct ipc_cfg_egress {
	uint32_t	 count;
};

struct ipc_cfg_egress_range {
	char		 range[EGRESS_RANGE_MAX + 1];
};

extern const struct ipc_body body_egress_rec;
extern const struct ipc_body body_egress_given;
extern const struct ipc_body body_egress_seal;
extern const struct ipc_body body_binding_rec;
/* nested in a task's job, where a host has a tunnel */
extern const struct ipc_body body_egress_job;
extern const struct ipc_body body_egress_test;

extern const struct ipc_body body_op_egress;
extern const struct ipc_body body_auth_egress;
extern const struct ipc_body body_store_egress;
extern const struct ipc_body body_egress_res;
extern const struct ipc_body body_egress_page;
extern const struct ipc_body body_egress_page_res;
extern const struct ipc_body body_op_binding;
extern const struct ipc_body body_binding_res;
extern const struct ipc_body body_egress_unseal;
extern const struct ipc_body body_egress_unseal_res;
extern const struct ipc_body body_op_egress_test;
extern const struct ipc_body body_egress_test_res;
extern const struct ipc_body body_egress_check;
extern const struct ipc_body body_egress_check_res;
extern const struct ipc_body body_cfg_egress;
extern const struct ipc_body body_cfg_egress_range;

#endif
