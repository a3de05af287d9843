/*
 * SSH public keys.  libssh decodes, hashes and generates keys; what it
 * does not check is checked here first, on the wire format itself
 * (DESIGN.md, "SSH keys"): the type inside the blob against the one in
 * front of it, every length, the curve name and point size, canonical
 * and sane RSA integers, and no trailing bytes.  A key that libssh would
 * then write back differently is refused as not canonical, so what is
 * stored is exactly what ssh-keygen fingerprints.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <openssl/evp.h>

#include "sshkey.h"
#include "util.h"

#define RSA_MIN_BITS	2048
#define RSA_MAX_BITS	16384	/* OpenSSH's SSH_RSA_MAXIMUM_MODULUS_SIZE */
#define RSA_MAX_E_BYTES	8	/* OpenSSL refuses a longer exponent */
#define SK_APP_MAX	255
#define PRIV_LINE	70	/* as ssh-keygen writes its base64 */

enum key_kind {
	KIND_ED25519,
	KIND_ECDSA,
	KIND_RSA,
	KIND_SK_ED25519,
	KIND_SK_ECDSA,
};

static const struct key_type {
	const char	*name;
	enum key_kind	 kind;
	const char	*curve;
	size_t		 keylen;	/* Ed25519 key or EC point */
	unsigned int	 bits;
} key_types[] = {
	{ "ssh-ed25519", KIND_ED25519, NULL, 32, 256 },
	{ "ecdsa-sha2-nistp256", KIND_ECDSA, "nistp256", 65, 256 },
	{ "ecdsa-sha2-nistp384", KIND_ECDSA, "nistp384", 97, 384 },
	{ "ecdsa-sha2-nistp521", KIND_ECDSA, "nistp521", 133, 521 },
	{ "ssh-rsa", KIND_RSA, NULL, 0, 0 },
	{ "sk-ssh-ed25519@openssh.com", KIND_SK_ED25519, NULL, 32, 256 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", KIND_SK_ECDSA, "nistp256",
	    65, 256 },
};

/* The SSH wire format: a cursor over the decoded blob. */
struct wire {
	const uint8_t	*p;
	size_t		 left;
};

int
sshkey_init(void)
{
	return ssh_init() == SSH_OK ? 0 : -1;
}

static int
wire_string(struct wire *w, const uint8_t **s, size_t *len)
{
	uint32_t	 n;

	if (w->left < 4)
		return -1;
	n = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 |
	    (uint32_t)w->p[2] << 8 | w->p[3];
	if (n > w->left - 4)
		return -1;
	*s = w->p + 4;
	*len = n;
	w->p += 4 + n;
	w->left -= 4 + n;
	return 0;
}

static int
wire_equals(struct wire *w, const char *expect)
{
	const uint8_t	*s;
	size_t		 len;

	return wire_string(w, &s, &len) == 0 && len == strlen(expect) &&
	    memcmp(s, expect, len) == 0;
}

static const struct key_type *
key_type_named(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strlen(key_types[i].name) == len &&
		    memcmp(key_types[i].name, name, len) == 0)
			return &key_types[i];
	return NULL;
}

/*
 * A positive mpint in its one canonical encoding: no sign bit, no
 * leading zero byte that the next byte does not need.  Its size in bits.
 */
static int
wire_mpint(struct wire *w, size_t maxlen, unsigned int *bits)
{
	const uint8_t	*s;
	size_t		 len;
	uint8_t		 top;

	if (wire_string(w, &s, &len) == -1 || len == 0 || (s[0] & 0x80))
		return -1;
	if (s[0] == 0) {
		if (len == 1 || (s[1] & 0x80) == 0)
			return -1;
		s++;
		len--;
	}
	if (len > maxlen)
		return -1;
	for (*bits = len * 8, top = s[0]; (top & 0x80) == 0; top <<= 1)
		(*bits)--;
	return s[len - 1] & 1 ? 0 : -1;	/* e and n are both odd */
}

static int
check_rsa(struct wire *w, unsigned int *bits, char *why, size_t whylen)
{
	unsigned int	 ebits;

	if (wire_mpint(w, RSA_MAX_E_BYTES, &ebits) == -1 || ebits < 2) {
		snprintf(why, whylen, "the RSA public exponent is not valid");
		return -1;
	}
	if (wire_mpint(w, RSA_MAX_BITS / 8, bits) == -1) {
		snprintf(why, whylen, "the RSA modulus is not valid");
		return -1;
	}
	if (*bits < RSA_MIN_BITS) {
		snprintf(why, whylen, "RSA key of %u bits is too small "
		    "(at least %u)", *bits, RSA_MIN_BITS);
		return -1;
	}
	return 0;
}

static int
check_application(struct wire *w)
{
	const uint8_t	*s;
	size_t		 len, i;

	if (wire_string(w, &s, &len) == -1 || len == 0 || len > SK_APP_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return -1;
	return 0;
}

/* The blob after its type string, as t says it must be. */
static int
check_blob(const struct key_type *t, struct wire *w, unsigned int *bits,
    char *why, size_t whylen)
{
	const uint8_t	*s;
	size_t		 len;

	*bits = t->bits;
	if (t->kind == KIND_RSA) {
		if (check_rsa(w, bits, why, whylen) == -1)
			return -1;
	} else {
		if (t->curve != NULL && !wire_equals(w, t->curve)) {
			snprintf(why, whylen, "the curve does not match "
			    "the key type %s", t->name);
			return -1;
		}
		if (wire_string(w, &s, &len) == -1 || len != t->keylen ||
		    (t->curve != NULL && s[0] != 0x04)) {
			snprintf(why, whylen, "the public key of this %s key "
			    "has the wrong size or form", t->name);
			return -1;
		}
		if ((t->kind == KIND_SK_ED25519 || t->kind == KIND_SK_ECDSA) &&
		    check_application(w) == -1) {
			snprintf(why, whylen, "the security key application "
			    "is not valid");
			return -1;
		}
	}
	if (w->left != 0) {
		snprintf(why, whylen, "the key has trailing bytes");
		return -1;
	}
	return 0;
}

/* Strict base64: the alphabet, padding only at the end, whole quanta. */
static int
decode_blob(const char *b64, size_t len, uint8_t *out, size_t *outlen)
{
	size_t	 i, pad = 0;
	int	 n;

	if (len == 0 || len % 4 != 0 || len > SSHKEY_BLOB64_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (b64[i] == '=' && i >= len - 2) {
			pad++;
			continue;
		}
		if (pad > 0 || !(isalnum((unsigned char)b64[i]) ||
		    b64[i] == '+' || b64[i] == '/'))
			return -1;
	}
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)b64, len)) < 0 ||
	    (size_t)n < pad)
		return -1;
	*outlen = n - pad;
	return 0;
}

/* The fingerprint as ssh-keygen -l -E sha256 prints it. */
static int
fingerprint(ssh_key key, char *out, size_t outlen)
{
	unsigned char	*hash = NULL;
	size_t		 hlen;
	char		*fp;
	int		 ok;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0)
		return -1;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return -1;
	ok = strlcpy(out, fp, outlen) < outlen;
	ssh_string_free_char(fp);
	return ok ? 0 : -1;
}

/* libssh reads the key (an EC point must lie on its curve) and must
 * write it back byte for byte. */
static int
libssh_agrees(struct sshkey_pub *k, char *why, size_t whylen)
{
	ssh_key	 key = NULL;
	char	*again = NULL;
	int	 rc = -1;

	if (ssh_pki_import_pubkey_base64(k->blob64,
	    ssh_key_type_from_name(k->type), &key) != SSH_OK) {
		snprintf(why, whylen, "this is not a valid %s key", k->type);
		return -1;
	}
	if (ssh_pki_export_pubkey_base64(key, &again) != SSH_OK ||
	    strcmp(again, k->blob64) != 0)
		snprintf(why, whylen, "the key is not in its canonical form");
	else if (fingerprint(key, k->fingerprint,
	    sizeof(k->fingerprint)) == -1)
		snprintf(why, whylen, "cannot fingerprint the key");
	else
		rc = 0;
	ssh_string_free_char(again);
	ssh_key_free(key);
	return rc;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* What a first word that is no key type most likely is. */
static void
explain_type(const char *word, size_t len, char *why, size_t whylen)
{
	static const char cert[] = "-cert-v01@openssh.com";
	size_t	 i;

	if (len >= 5 && memcmp(word, "-----", 5) == 0)
		snprintf(why, whylen, "this looks like a private key or a PEM "
		    "file: paste the public key, one line from the .pub file");
	else if (memchr(word, '=', len) != NULL ||
	    memchr(word, ',', len) != NULL || (len >= 3 &&
	    memcmp(word, "no-", 3) == 0) || (len == 8 &&
	    memcmp(word, "restrict", 8) == 0))
		snprintf(why, whylen, "key options (command=, from=, ...) are "
		    "not accepted: paste the key alone");
	else if (len == 7 && memcmp(word, "ssh-dss", 7) == 0)
		snprintf(why, whylen, "DSA keys are not accepted");
	else if (len > strlen(cert) && memcmp(word + len - strlen(cert), cert,
	    strlen(cert)) == 0)
		snprintf(why, whylen, "certificates are not accepted");
	else {
		for (i = 0; i < len && len <= SSHKEY_TYPE_MAX; i++)
			if (!isgraph((unsigned char)word[i]) || word[i] == '"' ||
			    word[i] == '\\')
				break;
		if (i == len && len <= SSHKEY_TYPE_MAX)
			snprintf(why, whylen, "unsupported key type \"%.*s\"",
			    (int)len, word);
		else
			snprintf(why, whylen, "not an SSH public key");
	}
}

static int
check_comment(const char *s, size_t len, struct sshkey_pub *k, char *why,
    size_t whylen)
{
	size_t	 i;

	if (len > SSHKEY_COMMENT_MAX) {
		snprintf(why, whylen, "the comment is longer than %d bytes",
		    SSHKEY_COMMENT_MAX);
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			snprintf(why, whylen, "the comment holds a control "
			    "character");
			return -1;
		}
	memcpy(k->comment, s, len);
	k->comment[len] = '\0';
	return 0;
}

int
sshkey_parse(const char *line, size_t len, struct sshkey_pub *k, char *why,
    size_t whylen)
{
	const struct key_type	*t;
	struct wire		 w;
	uint8_t			 blob[SSHKEY_BLOB64_MAX];
	size_t			 i, tlen, blen, bloblen;
	const char		*b64;

	memset(k, 0, sizeof(*k));
	if (len > FIELD_SSHKEY_LINE_MAX) {
		snprintf(why, whylen, "the key is longer than %d bytes",
		    FIELD_SSHKEY_LINE_MAX);
		return -1;
	}
	/* whitespace around the line, and the newline of a .pub file */
	while (len > 0 && (is_blank(line[0]) || line[0] == '\n' ||
	    line[0] == '\r'))
		line++, len--;
	while (len > 0 && (is_blank(line[len - 1]) || line[len - 1] == '\n' ||
	    line[len - 1] == '\r'))
		len--;
	for (i = 0; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r' || line[i] == '\0') {
			if (len >= 5 && memcmp(line, "-----", 5) == 0)
				break;
			snprintf(why, whylen, "the key must be a single line");
			return -1;
		}
	for (tlen = 0; tlen < len && !is_blank(line[tlen]) &&
	    line[tlen] != '\n'; tlen++)
		;
	if (len == 0) {
		snprintf(why, whylen, "the key is empty");
		return -1;
	}
	if ((t = key_type_named(line, tlen)) == NULL) {
		explain_type(line, tlen, why, whylen);
		return -1;
	}
	for (i = tlen; i < len && is_blank(line[i]); i++)
		;
	b64 = line + i;
	for (blen = 0; i + blen < len && !is_blank(b64[blen]); blen++)
		;
	if (blen == 0 || blen > SSHKEY_BLOB64_MAX ||
	    decode_blob(b64, blen, blob, &bloblen) == -1) {
		snprintf(why, whylen, "the key data is not valid base64");
		return -1;
	}
	w.p = blob;
	w.left = bloblen;
	if (!wire_equals(&w, t->name)) {
		snprintf(why, whylen, "the key data is not a %s key", t->name);
		return -1;
	}
	if (check_blob(t, &w, &k->bits, why, whylen) == -1)
		return -1;
	for (i += blen; i < len && is_blank(line[i]); i++)
		;
	if (check_comment(line + i, len - i, k, why, whylen) == -1)
		return -1;
	strlcpy(k->type, t->name, sizeof(k->type));
	memcpy(k->blob64, b64, blen);
	k->blob64[blen] = '\0';
	return libssh_agrees(k, why, whylen);
}

/* libssh writes the base64 on one line; ssh-keygen folds it. */
static int
fold_private(const char *pem, char *out, size_t outlen)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	static const char end[] = "-----END OPENSSH PRIVATE KEY-----\n";
	const char	*body, *stop;
	size_t		 n, at = 0, chunk;

	if (strncmp(pem, begin, sizeof(begin) - 1) != 0)
		return -1;
	body = pem + sizeof(begin) - 1;
	if ((stop = strstr(body, "\n-----END")) == NULL)
		return -1;
	n = stop - body;
	if (strlcpy(out, begin, outlen) >= outlen)
		return -1;
	at = sizeof(begin) - 1;
	while (n > 0) {
		chunk = n < PRIV_LINE ? n : PRIV_LINE;
		if (at + chunk + 2 > outlen)
			return -1;
		memcpy(out + at, body, chunk);
		out[at + chunk] = '\n';
		at += chunk + 1;
		body += chunk;
		n -= chunk;
	}
	out[at] = '\0';
	return strlcat(out, end, outlen) < outlen ? 0 : -1;
}

int
sshkey_generate(const char *comment, struct sshkey_pub *k, char *priv,
    size_t privlen)
{
	ssh_key	 key = NULL;
	char	*b64 = NULL, *pem = NULL;
	int	 rc = -1;

	memset(k, 0, sizeof(*k));
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
		return -1;
	if (ssh_pki_export_pubkey_base64(key, &b64) == SSH_OK &&
	    strlcpy(k->blob64, b64, sizeof(k->blob64)) < sizeof(k->blob64) &&
	    fingerprint(key, k->fingerprint, sizeof(k->fingerprint)) == 0 &&
	    ssh_pki_export_privkey_base64(key, NULL, NULL, NULL, &pem) ==
	    SSH_OK && fold_private(pem, priv, privlen) == 0) {
		strlcpy(k->type, "ssh-ed25519", sizeof(k->type));
		strlcpy(k->comment, comment, sizeof(k->comment));
		k->bits = 256;
		rc = 0;
	}
	if (pem != NULL) {
		explicit_bzero(pem, strlen(pem));
		ssh_string_free_char(pem);
	}
	ssh_string_free_char(b64);
	ssh_key_free(key);
	if (rc == -1)
		explicit_bzero(priv, privlen);
	return rc;
}
