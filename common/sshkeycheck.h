/* What every receiver accepts of an SSH key record (sshkeyrec.h). */
#ifndef MOAT_SSHKEYCHECK_H
#define MOAT_SSHKEYCHECK_H

#include "sshkeyrec.h"

/*
 * Whether the stored fields can be one authorized_keys line as they
 * are: a type, base64 and a printable comment, nothing that could end
 * the line or add options.  stored checks it again before sshd sees it.
 */
int	 sshkey_rec_line_safe(const struct sshkey_rec *);

#endif
