/*
 * Unit tests of authd/sshkey.c: every accepted type parses and
 * fingerprints as ssh-keygen -l -E sha256 does (the vectors were made
 * and fingerprinted with OpenSSH 9.2's ssh-keygen; the sk keys by hand,
 * since no security key is at hand), and every malformed key, every
 * weak or obsolete one and every non-canonical encoding is refused with
 * a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshkey.h"
#include "test.h"

static const struct {
	const char	*line;
	const char	*fingerprint;
} good[] = {
	{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAd9aCktuJjyvLpzuzat"
	    "33Y3BoLM3JnKWFMLAMY7iuDx",
	    "SHA256:U5sCVElCx8tL2YFSHBMBBU5NvkM9N2w1PcsnI+Cj5+I" },
	{ "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI"
	    "bmlzdHAyNTYAAABBBFGsJl5aD3otLtkuI+bkwFxsjA53FvPMcyG+o5UO"
	    "EtB7R0GfIhOA3aMO/JovD9RAnl2Tdhm+xY3c6JMWlZBoP+k=",
	    "SHA256:xhKWvycsOyun7bAjOGfYDS+c4H3UmFsn1EE7IJSC+Q4" },
	{ "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAI"
	    "bmlzdHAzODQAAABhBO3NjsQ6rA4kQBy7dYo8AAxZZR0HbtlBjxSC1Rk8"
	    "SrgZ+iVzoRWDBw85+MPAiF+1OZzFYDIjBDoekRZMh4nGf85wotKGh654"
	    "obRalW4Y7cVFLEYsdhQZLImvDHhf7UBjxw==",
	    "SHA256:Dia1MzJAXNUUe2PK6IXCxqSVWc9QXW8QGfqlBEARTZQ" },
	{ "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAI"
	    "bmlzdHA1MjEAAACFBAAuUxz0wXvQrdGXaB+xCJOyceGnkBk54JxnAEUp"
	    "4aM8Jne4sG2Mco7GrncaQJewjSHahB1zSKvoxiGPSSXZdV+bgwFLmE3k"
	    "Xe3UGgGvpsblivRA5cFAZV9BRnWoGgB7RyNWlLPKt1dgxKbGmRBmCqJn"
	    "8tN9BofBJ8/R5A2u1LIhgUkOWQ==",
	    "SHA256:8sxC/2W/i1YRbCgW8yZsXRPym8mfVIcQWg0xCXQrHu0" },
	{ "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCiBLxRitW+yepj5E/D"
	    "gPudJPV77gXMyVEstHNBFUs4QJITGGqi8jVmmgF/j2o235yqj3/dztVj"
	    "FBMUfVXvwkQ+cViAmUXcG9Wnf8ZnTD/UttsKQfjrHJNsGVsDULi6SYRC"
	    "j/IvOKcsNhxDIDU/bhpFO3g0HcsbyxTOgYFGnFSg5z/rY28h+9FhK8iQ"
	    "ZReNWjWxIg9y9PxKfTMp+cZrkv7BN0p32h+viP29lXBwnGYEiH4ZEic2"
	    "WYj1y9nIVCvzlZo1kCqpJJlkvq/RwgDnWytIq8Li8rNph8k+L5xzdrSS"
	    "Cc7GZbjp/Q694y7dnDqsr7ASqY8FjYgyeBnyzcO0UD8L",
	    "SHA256:+Fw8I9ql1Ql1S8QzumDjJiwny3kOGmf1xSkG9AURGxw" },
	{ "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDZbSjDu6GDX+rNqa41"
	    "z4kR0dzwzkTcEoR4I5+wWmKsAM02mqiqndnWrUnYWVOGs4PdLZ/KCtC2"
	    "RnGSmoiSr/sttXUpwwpBGGDUxxTwBSMAIxWyj5yMjn2D82+WrBE//g5U"
	    "sX2DlGEILa4twP+rkmOvySyyxd6d8Z/Vr48WW2TeLRKeBJDNPZPDZvLb"
	    "/6tfnNO86vyRDHwB8p3iB2uJ0bjzKQlXX9KE0/7tHSQu7miMF6LL5dVu"
	    "O212hSmZMee7dsaUCUoSWNA+RywADJgRdIIpKLQgT71S9/86B0iabQv+"
	    "HTimnjgadNbuxFaJ2A1s5mraL/ybq8x1AO14Iwi3l7pDjZTpdEIb+zNo"
	    "bq+CJj0XkVdYMRc7AlUDXTGGtUf67n58VgtpC6L3Y2QERax8SpT4tb8E"
	    "bSLArN5YjaYIp5sOEqv2JZAPrpnnK8AxWX+Nre4+RLA07uksCaomSjGZ"
	    "KOeoUz68DBBwl2jTpzJG6IfSoyeNorNEFuAGHr+LBX9rsTM=",
	    "SHA256:uNbVuDXben3hJOvgku9AZ4ZYxCcpzxzigUH5EcfHwq4" },
	{ "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZ"
	    "W5zc2guY29tAAAAIAd9aCktuJjyvLpzuzat33Y3BoLM3JnKWFMLAMY7i"
	    "uDxAAAABHNzaDo=",
	    "SHA256:R5Lu/taDjU3q5ILH3ZKOUumnlN88QwvJWJZ/dA8lL1I" },
	{ "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoY"
	    "TItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBFGsJ"
	    "l5aD3otLtkuI+bkwFxsjA53FvPMcyG+o5UOEtB7R0GfIhOA3aMO/JovD"
	    "9RAnl2Tdhm+xY3c6JMWlZBoP+kAAAAEc3NoOg==",
	    "SHA256:VwYv0oTwTnHnnVRVN5dsVJizdiY07Rh5TJbcPjxtvqg" },
};

static const char *const bad_blobs[] = {
	/* rsa1024 */
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDp9ty72A4P7kqOlFmX"
	"nEJRFJyLSYAWr1e1qL5QHvd5IvG7PhXS6fnIPq706O1BybCo86P5+53J"
	"+oL/huOILSTJUEs1a6Q/5TvbfYlEsaOb6zygdW43elva+c3hnf4V53Jj"
	"fZhdZOlLckVnDyTDxTMt0myYqy2ynZmMceq8bTij/Q==",
	/* dsa */
	"ssh-dss AAAAB3NzaC1kc3MAAACBAOJP4et1Cdv0IyryKl4WSUkjfdyV"
	"vaAZ/RrwTkTLQ8XfFXvKKWAa8tQt7L9c5zhj5fA6c/j2tX9jh1PZqJjO"
	"wEqSsd6Wc+aYYrSxOl2FscnUpbe4h7h3qhkZpPBwZbUlL5jfrv7nP1HQ"
	"CCVSjvMDQwaTzNA14lGLxkmcmqyXrjejAAAAFQDPxRACi+npuVbWKeXm"
	"tjT47NnzzwAAAIEA104z/tX0QBFPmSeYTb+IeuKFPm45L0VWMgNwHO6K"
	"poyFiXtEuV9uMvJJ//Tltv7uxtmVXfwBMpojG+GNT2xrZBdNpJys2USf"
	"gRUKPwMjXhJJUe/pdsHnpr7dDIKKUi0eg8ws8ePZcJaq6Xx+4+E3BcbN"
	"oqYjtkpWDimHXNQnvtMAAACBAOFzCavAUG7k1DGzzrKgwZrcJJjSaCuI"
	"ZoG8+gOilCuS33Us7izBUfmZPy8zEMK7ER4vEnVRnbGJNcRN/ZgH5LT1"
	"vWw27gqlh3d09nCDNWOm36A2KnoWpe7Jrm/Wf578PGti61qq6ecty7Ui"
	"6QJVe1ce6/uyyNtObY2xPyh0IsHo",
	/* trailing */
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAd9aCktuJjyvLpzuzat"
	"33Y3BoLM3JnKWFMLAMY7iuDxeA==",
	/* typemismatch */
	"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAd9aCktuJjyvLpzuzat33Y3"
	"BoLM3JnKWFMLAMY7iuDx",
	/* edshort */
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH2FhYWFhYWFhYWFhYWFh"
	"YWFhYWFhYWFhYWFhYWFhYWE=",
	/* offcurve */
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI"
	"bmlzdHAyNTYAAABBBAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
	"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
	/* wrongcurve */
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI"
	"bmlzdHAzODQAAABBBFGsJl5aD3otLtkuI+bkwFxsjA53FvPMcyG+o5UO"
	"EtB7R0GfIhOA3aMO/JovD9RAnl2Tdhm+xY3c6JMWlZBoP+k=",
	/* rsa_e1 */
	"ssh-rsa AAAAB3NzaC1yc2EAAAABAQAAAQEAogS8UYrVvsnqY+RPw4D7"
	"nST1e+4FzMlRLLRzQRVLOECSExhqovI1ZpoBf49qNt+cqo9/3c7VYxQT"
	"FH1V78JEPnFYgJlF3BvVp3/GZ0w/1LbbCkH46xyTbBlbA1C4ukmEQo/y"
	"LzinLDYcQyA1P24aRTt4NB3LG8sUzoGBRpxUoOc/62NvIfvRYSvIkGUX"
	"jVo1sSIPcvT8Sn0zKfnGa5L+wTdKd9ofr4j9vZVwcJxmBIh+GRInNlmI"
	"9cvZyFQr85WaNZAqqSSZZL6v0cIA51srSKvC4vKzaYfJPi+cc3a0kgnO"
	"xmW46f0OveMu3Zw6rK+wEqmPBY2IMngZ8s3DtFA/Cw==",
	/* rsa_eeven */
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQAAAAABAQCiBLxRitW+yepj5E/D"
	"gPudJPV77gXMyVEstHNBFUs4QJITGGqi8jVmmgF/j2o235yqj3/dztVj"
	"FBMUfVXvwkQ+cViAmUXcG9Wnf8ZnTD/UttsKQfjrHJNsGVsDULi6SYRC"
	"j/IvOKcsNhxDIDU/bhpFO3g0HcsbyxTOgYFGnFSg5z/rY28h+9FhK8iQ"
	"ZReNWjWxIg9y9PxKfTMp+cZrkv7BN0p32h+viP29lXBwnGYEiH4ZEic2"
	"WYj1y9nIVCvzlZo1kCqpJJlkvq/RwgDnWytIq8Li8rNph8k+L5xzdrSS"
	"Cc7GZbjp/Q694y7dnDqsr7ASqY8FjYgyeBnyzcO0UD8L",
	/* rsa_nneg */
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAYCiBLxRitW+yepj5E/D"
	"gPudJPV77gXMyVEstHNBFUs4QJITGGqi8jVmmgF/j2o235yqj3/dztVj"
	"FBMUfVXvwkQ+cViAmUXcG9Wnf8ZnTD/UttsKQfjrHJNsGVsDULi6SYRC"
	"j/IvOKcsNhxDIDU/bhpFO3g0HcsbyxTOgYFGnFSg5z/rY28h+9FhK8iQ"
	"ZReNWjWxIg9y9PxKfTMp+cZrkv7BN0p32h+viP29lXBwnGYEiH4ZEic2"
	"WYj1y9nIVCvzlZo1kCqpJJlkvq/RwgDnWytIq8Li8rNph8k+L5xzdrSS"
	"Cc7GZbjp/Q694y7dnDqsr7ASqY8FjYgyeBnyzcO0UD8L",
	/* rsa_e_lead0 */
	"ssh-rsa AAAAB3NzaC1yc2EAAAAEAAEAAQAAAQEAogS8UYrVvsnqY+RP"
	"w4D7nST1e+4FzMlRLLRzQRVLOECSExhqovI1ZpoBf49qNt+cqo9/3c7V"
	"YxQTFH1V78JEPnFYgJlF3BvVp3/GZ0w/1LbbCkH46xyTbBlbA1C4ukmE"
	"Qo/yLzinLDYcQyA1P24aRTt4NB3LG8sUzoGBRpxUoOc/62NvIfvRYSvI"
	"kGUXjVo1sSIPcvT8Sn0zKfnGa5L+wTdKd9ofr4j9vZVwcJxmBIh+GRIn"
	"NlmI9cvZyFQr85WaNZAqqSSZZL6v0cIA51srSKvC4vKzaYfJPi+cc3a0"
	"kgnOxmW46f0OveMu3Zw6rK+wEqmPBY2IMngZ8s3DtFA/Cw==",
	/* rsa_e_9bytes */
	"ssh-rsa AAAAB3NzaC1yc2EAAAAJAQAAAAAAAAABAAABAQCiBLxRitW+"
	"yepj5E/DgPudJPV77gXMyVEstHNBFUs4QJITGGqi8jVmmgF/j2o235yq"
	"j3/dztVjFBMUfVXvwkQ+cViAmUXcG9Wnf8ZnTD/UttsKQfjrHJNsGVsD"
	"ULi6SYRCj/IvOKcsNhxDIDU/bhpFO3g0HcsbyxTOgYFGnFSg5z/rY28h"
	"+9FhK8iQZReNWjWxIg9y9PxKfTMp+cZrkv7BN0p32h+viP29lXBwnGYE"
	"iH4ZEic2WYj1y9nIVCvzlZo1kCqpJJlkvq/RwgDnWytIq8Li8rNph8k+"
	"L5xzdrSSCc7GZbjp/Q694y7dnDqsr7ASqY8FjYgyeBnyzcO0UD8L",
};

static int
parse(const char *line, struct sshkey_pub *k, char *why, size_t whylen)
{
	why[0] = '\0';
	return sshkey_parse(line, strlen(line), k, why, whylen);
}

static void
test_good_keys(void)
{
	struct sshkey_pub	 k;
	char			 why[256], line[8192];
	size_t			 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_INT(parse(good[i].line, &k, why, sizeof(why)), 0);
		CHECK_STR(k.fingerprint, good[i].fingerprint);
		CHECK(strncmp(good[i].line, k.type, strlen(k.type)) == 0);
		CHECK_STR(k.comment, "");
		/* with a comment, the newline of a .pub file and blanks */
		snprintf(line, sizeof(line), "  %s  me@host x\n", good[i].line);
		CHECK_INT(parse(line, &k, why, sizeof(why)), 0);
		CHECK_STR(k.comment, "me@host x");
		CHECK_STR(k.fingerprint, good[i].fingerprint);
	}
	CHECK_INT(parse(good[4].line, &k, why, sizeof(why)), 0);
	CHECK_INT(k.bits, 2048);
	CHECK_INT(parse(good[3].line, &k, why, sizeof(why)), 0);
	CHECK_INT(k.bits, 521);
}

static void
test_bad_blobs(void)
{
	struct sshkey_pub	 k;
	char			 why[256];
	size_t			 i;

	for (i = 0; i < sizeof(bad_blobs) / sizeof(bad_blobs[0]); i++) {
		CHECK_INT(parse(bad_blobs[i], &k, why, sizeof(why)), -1);
		CHECK(why[0] != '\0');
	}
	CHECK_INT(parse(bad_blobs[0], &k, why, sizeof(why)), -1);
	CHECK_STR(why, "RSA key of 1024 bits is too small (at least 2048)");
	CHECK_INT(parse(bad_blobs[1], &k, why, sizeof(why)), -1);
	CHECK_STR(why, "DSA keys are not accepted");
	CHECK_INT(parse(bad_blobs[2], &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the key has trailing bytes");
	CHECK_INT(parse(bad_blobs[3], &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the key data is not a ssh-rsa key");
	CHECK_INT(parse(bad_blobs[5], &k, why, sizeof(why)), -1);
	CHECK_STR(why, "this is not a valid ecdsa-sha2-nistp256 key");
}

static void
test_bad_lines(void)
{
	static const struct {
		const char	*line;
		const char	*why;
	} cases[] = {
		{ "", "the key is empty" },
		{ "   \n", "the key is empty" },
		{ "hello", "unsupported key type \"hello\"" },
		{ "ssh-ed25519", "the key data is not valid base64" },
		{ "ssh-ed25519 AAAA*AAA", "the key data is not valid base64" },
		{ "ssh-ed25519 AAA", "the key data is not valid base64" },
		{ "ssh-ed25519 A=AA", "the key data is not valid base64" },
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "the public key of this "
		    "ssh-ed25519 key has the wrong size or form" },
		{ "command=\"/bin/sh\" ssh-ed25519 AAAA", "key options "
		    "(command=, from=, ...) are not accepted: paste the key "
		    "alone" },
		{ "no-pty ssh-ed25519 AAAA", "key options (command=, from=, "
		    "...) are not accepted: paste the key alone" },
		{ "restrict ssh-ed25519 AAAA", "key options (command=, from=, "
		    "...) are not accepted: paste the key alone" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END "
		    "OPENSSH PRIVATE KEY-----\n", "this looks like a private "
		    "key or a PEM file: paste the public key, one line from "
		    "the .pub file" },
		{ "ssh-ed25519-cert-v01@openssh.com AAAA", "certificates are "
		    "not accepted" },
		{ "1024 35 1234567", "unsupported key type \"1024\"" },
		{ "ssh-\"x AAAA", "not an SSH public key" },
	};
	struct sshkey_pub	 k;
	char			 why[256], line[512];
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(cases[i].line, &k, why, sizeof(why)), -1);
		CHECK_STR(why, cases[i].why);
	}
	/* two keys, a key with a control character in its comment */
	snprintf(line, sizeof(line), "%s\n%s", good[0].line, good[0].line);
	CHECK_INT(parse(line, &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the key must be a single line");
	snprintf(line, sizeof(line), "%s a\tb\033c", good[0].line);
	CHECK_INT(parse(line, &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the comment holds a control character");
	/* an embedded NUL */
	CHECK_INT(sshkey_parse("ssh-ed25519 \0AAA", 16, &k, why, sizeof(why)),
	    -1);
}

static void
test_lengths(void)
{
	struct sshkey_pub	 k;
	char			 why[256], *line;
	size_t			 len;

	len = FIELD_SSHKEY_LINE_MAX + 1;
	if ((line = malloc(len + 1)) == NULL)
		abort();
	snprintf(line, len + 1, "%s ", good[0].line);
	memset(line + strlen(line), 'c', len - strlen(line));
	line[len] = '\0';
	CHECK_INT(sshkey_parse(line, len, &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the key is longer than 8192 bytes");
	/* a comment of 255 bytes is kept, one of 256 refused */
	snprintf(line, len + 1, "%s ", good[0].line);
	len = strlen(line);
	memset(line + len, 'c', SSHKEY_COMMENT_MAX);
	line[len + SSHKEY_COMMENT_MAX] = '\0';
	CHECK_INT(parse(line, &k, why, sizeof(why)), 0);
	CHECK_INT(strlen(k.comment), SSHKEY_COMMENT_MAX);
	strlcat(line, "c", FIELD_SSHKEY_LINE_MAX);
	CHECK_INT(parse(line, &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the comment is longer than 255 bytes");
	/* base64 longer than any key we take */
	snprintf(line, FIELD_SSHKEY_LINE_MAX, "ssh-rsa ");
	memset(line + 8, 'A', SSHKEY_BLOB64_MAX + 4);
	line[8 + SSHKEY_BLOB64_MAX + 4] = '\0';
	CHECK_INT(parse(line, &k, why, sizeof(why)), -1);
	CHECK_STR(why, "the key data is not valid base64");
	free(line);
}

static void
test_generate(void)
{
	struct sshkey_pub	 k, again;
	char			 priv[1024], why[256], line[512];

	CHECK_INT(sshkey_generate("moat", &k, priv, sizeof(priv)), 0);
	CHECK_STR(k.type, "ssh-ed25519");
	CHECK_STR(k.comment, "moat");
	CHECK(strncmp(priv, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36) == 0);
	CHECK(strstr(priv, "\n-----END OPENSSH PRIVATE KEY-----\n") != NULL);
	/* folded as ssh-keygen folds it */
	CHECK(strchr(priv + 36, '\n') - (priv + 36) == 70);
	snprintf(line, sizeof(line), "%s %s", k.type, k.blob64);
	CHECK_INT(parse(line, &again, why, sizeof(why)), 0);
	CHECK_STR(again.fingerprint, k.fingerprint);
	/* a second pair is another pair */
	CHECK_INT(sshkey_generate("moat", &again, priv, sizeof(priv)), 0);
	CHECK(strcmp(again.blob64, k.blob64) != 0);
	/* a buffer too small for the private key fails, and is cleared */
	CHECK_INT(sshkey_generate("moat", &k, priv, 100), -1);
	CHECK_INT(priv[0], 0);
}

int
main(void)
{
	if (sshkey_init() == -1)
		return 1;
	RUN(test_good_keys);
	RUN(test_bad_blobs);
	RUN(test_bad_lines);
	RUN(test_lengths);
	RUN(test_generate);
	return test_report("test_sshkey");
}
