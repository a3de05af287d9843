/*
 * keygen.c: key pairs made by a worker thread, off authd's event loop.
 * done runs on the loop with the key (NULL if none could be made),
 * which it then owns.
 */
#ifndef MOAT_KEYGEN_H
#define MOAT_KEYGEN_H

#include <event2/event.h>
#include <openssl/evp.h>

#include "pki.h"

typedef void	(*keygen_cb)(EVP_PKEY *key, void *arg);

void	 keygen_init(struct event_base *);
void	 keygen_submit(const struct pki_keyspec *, keygen_cb, void *arg);

#endif
