/*
 * cce schema: the command API's schema file (common/cceschema.h).  moatd
 * reads it whole when it reads moatd.conf, so that `moatd -n` and a
 * reload refuse a broken one with its line, and keeps the names of its
 * password properties: authd hashes their values (cfg.cce.passwords).
 * stored gets the file itself, opened here (cfg.cce.schema): it opens
 * nothing outside its database.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_cce.h"
#include "cceschema.h"
#include "conffile.h"
#include "log.h"

_Static_assert(CONF_CCE_NAME_MAX == CCE_KEY_MAX + 1,
    "cfg.cce.passwords: a name");

/* the file's text, NUL-terminated, in *out (freed by the caller) */
static int
read_schema(const char *path, char **out, size_t *len)
{
	struct stat	 st;
	ssize_t		 n;
	char		*buf;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CCES_FILE_MAX) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		fatal("%s", __func__);
	n = read(fd, buf, (size_t)st.st_size + 1);
	close(fd);
	/* a file that grew while being read is read again next time */
	if (n < 0 || n > st.st_size) {
		free(buf);
		errno = n < 0 ? errno : EAGAIN;
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = (size_t)n;
	return 0;
}

/* each password property once, as a command names it: "prop" whatever
 * class declares it, "Namespace.prop" whatever class has the namespace */
static int
keep_passwords(struct moat_config *conf, const struct cce_schema *s)
{
	const struct cces_group	*g;
	char			 key[CONF_CCE_NAME_MAX];
	uint32_t		 i, k;
	size_t			 p;

	conf->cce_npasswords = 0;
	for (i = 0; i < s->ngroups; i++) {
		g = &s->groups[i];
		for (p = 0; p < g->nprops; p++) {
			if (g->props[p].type != CCE_T_PASSWORD)
				continue;
			snprintf(key, sizeof(key), "%s%s%s", g->ns,
			    g->ns[0] != '\0' ? "." : "", g->props[p].name);
			for (k = 0; k < conf->cce_npasswords; k++)
				if (strcmp(conf->cce_passwords[k], key) == 0)
					break;
			if (k < conf->cce_npasswords)
				continue;
			if (k == CONF_CCE_PASSWORDS_MAX)
				return -1;
			strlcpy(conf->cce_passwords[k], key,
			    sizeof(conf->cce_passwords[k]));
			conf->cce_npasswords++;
		}
	}
	return 0;
}

/*
 * conf_finalize()'s part.  The default file may be absent (a tree that
 * was never installed): the command API then knows no class, which
 * confpush.c says.  A file the configuration names must be there and
 * sound.
 */
int
conf_cce_check(struct moat_config *conf)
{
	struct cce_schema	*s;
	char			*text, err[256];
	size_t			 len;

	if (conf->cce_schema[0] == '\0')
		strlcpy(conf->cce_schema, CONF_DEFAULT_CCE_SCHEMA,
		    sizeof(conf->cce_schema));
	conf->cce_npasswords = 0;
	conf->cce_schema_absent = 0;
	if (read_schema(conf->cce_schema, &text, &len) == -1) {
		/* said when the children are configured (confpush.c) */
		if (!conf->cce_schema_set && errno == ENOENT) {
			conf->cce_schema_absent = 1;
			return 0;
		}
		log_warnx("cce schema \"%s\": %s", conf->cce_schema,
		    errno == EFBIG ? "not a regular file of at most 1 MiB" :
		    strerror(errno));
		return -1;
	}
	s = cce_schema_parse(text, len, err, sizeof(err));
	free(text);
	if (s == NULL) {
		log_warnx("cce schema \"%s\": %s", conf->cce_schema, err);
		return -1;
	}
	if (keep_passwords(conf, s) == -1) {
		log_warnx("cce schema \"%s\": more than %d password names",
		    conf->cce_schema, CONF_CCE_PASSWORDS_MAX);
		cce_schema_free(s);
		return -1;
	}
	cce_schema_free(s);
	return 0;
}

void
conf_cce_dump(FILE *fp, const struct moat_config *conf)
{
	const char	*s;

	/* the default stays a comment: stated, an absent file is an error */
	fprintf(fp, "%scce schema \"", conf->cce_schema_set ? "" : "# ");
	for (s = conf->cce_schema; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fprintf(fp, "\"%s\n", conf->cce_schema_set ? "" : " (default)");
}
