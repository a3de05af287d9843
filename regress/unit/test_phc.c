/*
 * Unit tests of authd/phc.c: hashes made here verify with libargon2's own
 * argon2id_verify() and the other way round (the database holds hashes
 * from both), wrong passwords and every malformed string fail, changed
 * parameters are reported stale, and the working memory is kept between
 * hashes and given back on request.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>

#include "hasher.h"
#include "phc.h"
#include "test.h"

/* small costs keep the test fast; the code path is the same */
static const struct hasher_params small = { 1024, 1, 1 };

static void
test_roundtrip_with_libargon2(void)
{
	const unsigned char	 salt[16] = "0123456789abcdef";
	char			 ours[HASHER_HASH_MAX], theirs[HASHER_HASH_MAX];
	int			 stale = -1;

	CHECK_INT(phc_hash(&small, "correct horse", ours, sizeof(ours)), 0);
	CHECK(strncmp(ours, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0);
	/* unpadded base64, as libargon2 writes it */
	CHECK(strchr(ours + 30, '=') == NULL);
	CHECK_INT(argon2id_verify(ours, "correct horse", 13), ARGON2_OK);
	CHECK_INT(phc_verify(ours, "correct horse", &small, &stale), 1);
	CHECK_INT(stale, 0);

	CHECK_INT(argon2id_hash_encoded(1, 1024, 1, "battery staple", 14,
	    salt, sizeof(salt), 32, theirs, sizeof(theirs)), ARGON2_OK);
	CHECK_INT(phc_verify(theirs, "battery staple", &small, &stale), 1);
	CHECK_INT(stale, 0);
	CHECK_INT(phc_verify(theirs, "battery staplE", &small, &stale), 0);
	CHECK_INT(stale, 0);
}

static void
test_salts_differ(void)
{
	char	 a[HASHER_HASH_MAX], b[HASHER_HASH_MAX];

	CHECK_INT(phc_hash(&small, "same", a, sizeof(a)), 0);
	CHECK_INT(phc_hash(&small, "same", b, sizeof(b)), 0);
	CHECK(strcmp(a, b) != 0);
}

static void
test_wrong_password(void)
{
	char	 h[HASHER_HASH_MAX];
	int	 stale = -1;

	CHECK_INT(phc_hash(&small, "password1", h, sizeof(h)), 0);
	CHECK_INT(phc_verify(h, "password2", &small, &stale), 0);
	CHECK_INT(stale, 0);
	CHECK_INT(phc_verify(h, "", &small, &stale), 0);
	CHECK_INT(phc_verify(h, "password1 ", &small, &stale), 0);
}

static void
test_stale_parameters(void)
{
	const struct hasher_params more = { 2048, 1, 1 };
	const struct hasher_params longer = { 1024, 2, 1 };
	char	 h[HASHER_HASH_MAX];
	int	 stale = -1;

	CHECK_INT(phc_hash(&small, "pw-stale", h, sizeof(h)), 0);
	CHECK_INT(phc_verify(h, "pw-stale", &more, &stale), 1);
	CHECK_INT(stale, 1);
	CHECK_INT(phc_verify(h, "pw-stale", &longer, &stale), 1);
	CHECK_INT(stale, 1);
	/* a wrong password is never "stale": nothing is rehashed */
	CHECK_INT(phc_verify(h, "other", &more, &stale), 0);
	CHECK_INT(stale, 0);
}

static void
test_too_small_buffer(void)
{
	char	 h[40];

	CHECK_INT(phc_hash(&small, "pw", h, sizeof(h)), -1);
}

static void
test_malformed(void)
{
	char		 good[HASHER_HASH_MAX], bad[HASHER_HASH_MAX + 64];
	const char	*cases[] = {
		"",
		"$argon2i$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=16$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* costs beyond moatd.conf's bounds: refused, not computed */
		"$argon2id$v=19$m=8388608,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=11,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=1,p=17$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=0,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg",
		"$argon2id$v=19$m=1024,t=1,p=1$$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$",
		"$argon2id$v=19$m=1024,t=1,p=1$MDEy-zQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$",
		"$argon2id$v=19$m=1024,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA A",
	};
	size_t	 i;
	int	 stale;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stale = -1;
		CHECK_INT(phc_verify(cases[i], "pw", &small, &stale), 0);
		CHECK_INT(stale, 0);
	}
	/* every prefix of a good hash is refused */
	CHECK_INT(phc_hash(&small, "pw", good, sizeof(good)), 0);
	for (i = 0; i < strlen(good); i++) {
		memcpy(bad, good, i);
		bad[i] = '\0';
		CHECK_INT(phc_verify(bad, "pw", &small, &stale), 0);
	}
	/* and so is a salt longer than any we make */
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=1024,t=1,p=1$%s$AAAA",
	    "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZG"
	    "VmMDEyMzQ1Njc4OWFiY2RlZjAx");
	CHECK_INT(phc_verify(bad, "pw", &small, &stale), 0);
}

static void
test_memory_kept_and_released(void)
{
	char	 h[HASHER_HASH_MAX];

	phc_release_memory();
	CHECK_INT(phc_holds_memory(), 0);
	CHECK_INT(phc_hash(&small, "pw", h, sizeof(h)), 0);
	CHECK_INT(phc_holds_memory(), 1);
	phc_release_memory();
	CHECK_INT(phc_holds_memory(), 0);
	/* another memory cost replaces the block */
	CHECK_INT(phc_hash(&small, "pw", h, sizeof(h)), 0);
	CHECK_INT(phc_verify(h, "pw", &(struct hasher_params){ 2048, 1, 1 },
	    &(int){ 0 }), 1);
	CHECK_INT(phc_holds_memory(), 1);
	phc_release_memory();
	phc_release_memory();
	CHECK_INT(phc_holds_memory(), 0);
}

/*
 * The hash an unknown name is verified against carries the parameters
 * it is given (those of the configuration), so that verifying it costs
 * what verifying a user's hash made under them costs; no password
 * matches it.
 */
static void
test_dummy_has_the_parameters(void)
{
	const struct hasher_params heavy = { 32768, 3, 2 };
	char		 d1[HASHER_HASH_MAX], d2[HASHER_HASH_MAX];
	char		 real[HASHER_HASH_MAX];
	const char	*p;
	int		 stale = -1;

	CHECK_INT(phc_dummy(&heavy, d1, sizeof(d1)), 0);
	CHECK(strncmp(d1, "$argon2id$v=19$m=32768,t=3,p=2$", 31) == 0);
	CHECK_INT(phc_dummy(&small, d2, sizeof(d2)), 0);
	CHECK(strncmp(d2, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0);
	/* shaped as a real hash under the same parameters: salt and hash
	 * of the same lengths */
	CHECK_INT(phc_hash(&heavy, "a password", real, sizeof(real)), 0);
	CHECK_INT(strlen(d1), strlen(real));
	p = strrchr(d1, '$');
	CHECK(p != NULL && strlen(p) == strlen(strrchr(real, '$')));
	CHECK_INT(phc_verify(d1, "a password", &heavy, &stale), 0);
	CHECK_INT(phc_verify(d1, "", &heavy, &stale), 0);
	CHECK_INT(stale, 0);
	/* random each time */
	CHECK_INT(phc_dummy(&heavy, d2, sizeof(d2)), 0);
	CHECK(strcmp(d1, d2) != 0);
	CHECK_INT(phc_dummy(&heavy, d2, 40), -1);
	phc_release_memory();
}

int
main(void)
{
	RUN(test_roundtrip_with_libargon2);
	RUN(test_salts_differ);
	RUN(test_wrong_password);
	RUN(test_stale_parameters);
	RUN(test_too_small_buffer);
	RUN(test_malformed);
	RUN(test_memory_kept_and_released);
	RUN(test_dummy_has_the_parameters);
	return test_report("phc");
}
