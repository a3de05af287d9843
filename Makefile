# moat: one non-recursive Makefile.  `make` builds the release binaries
# into build/bin with the system compiler; `make check` also builds the
# test binaries (clang, AddressSanitizer and UBSan, test hooks) into
# build/test/bin and runs the regress suite against them.

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/moat
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
SYSTEMDDIR ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
DESTDIR	?=

B	?= build
SAN	?=
YACC	?= byacc

PKGS_COMMON	= libbsd-overlay libseccomp libmd
WARN	= -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	  -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -g $(WARN) -Ilog -Icommon -Iipc -I$(B)/gen \
	  -DMOAT_VERSION='"0.1"'
ifeq ($(SAN),1)
CC	= clang
OPT	= -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -DMOAT_TEST -DMOAT_SANITIZE
LDOPT	= -fsanitize=address,undefined -Wl,--as-needed
else
OPT	?= -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDOPT	?= -pie -Wl,-z,relro,-z,now -Wl,--as-needed
endif
ifeq ($(TRAP),1)
OPT	+= -DMOAT_SANDBOX_TRAP
endif
# The benchmark's second build: the TLS key in frontd, to measure what
# moving it into authd costs.  Never installed (see bench/run.sh): it
# builds only into a directory of its own, and its programs carry
# KEY_IN_FRONTD_MARK (ipc/catalogue.c), which make install refuses.
KEY_IN_FRONTD_MARK = MOAT_KEY_IN_FRONTD_BENCHMARK_BUILD_NEVER_INSTALL
ifeq ($(KEY_IN_FRONTD),1)
OPT	+= -DMOAT_BENCH_KEY_IN_FRONTD
override B := build/bench-keyinfrontd
endif

pc_cflags = $(shell pkg-config --cflags $(1))
pc_libs = $(shell pkg-config --libs $(1))

COMMON_SRCS = log/log.c common/sandbox.c common/landlock.c \
	common/seccomp.c common/daemon.c common/util.c common/dialect.c \
	common/ccearray.c \
	common/hmac.c common/grant.c common/ratelimit.c \
	common/timefmt.c common/scopes.c common/cidr.c \
	common/sshkeycheck.c common/hostlife.c common/egresscheck.c \
	common/acmedirs.c common/dnsprov.c common/gwctl.c
IPC_BODY_SRCS = ipc/body_core.c ipc/hostrec.c ipc/body_egress.c \
	ipc/body_cfg.c ipc/body_ctl.c ipc/keyrec.c ipc/sshkeyrec.c \
	ipc/body_keys.c ipc/body_users.c ipc/body_auth.c \
	ipc/body_challenge.c ipc/body_certs.c ipc/body_dns.c \
	ipc/body_acmeacct.c ipc/body_devices.c ipc/body_acmejob.c \
	ipc/body_cce.c ipc/body_entry.c ipc/body_gw.c
IPC_SRCS = ipc/msg.c ipc/decode.c ipc/catalogue.c ipc/chan.c ipc/sock.c \
	ipc/answer.c ipc/proc.c ipc/body.c ipc/dispatch.c ipc/version.c \
	$(IPC_BODY_SRCS)

MOATD_SRCS = moatd/moatd.c moatd/conffile.c moatd/confacme.c moatd/confpush.c moatd/control.c \
	moatd/notify.c moatd/children.c moatd/setup.c moatd/sandbox.c \
	moatd/bootstrap.c moatd/confcce.c moatd/sshhostkey.c $(CCE_SCHEMA_SRCS)
# the command API's schema reader, with PCRE2 for its typedefs: moatd
# checks the file (moatd -n), stored enforces it
CCE_SCHEMA_SRCS = common/cceschema.c common/ccetype.c
TLSGEN_SRCS = moatd/tlsgen.c
CONSOLE_SRCS = taskd/console.c
FRONTD_SRCS = frontd/frontd.c frontd/config.c frontd/server.c \
	frontd/http_parse.c frontd/http_chunked.c frontd/http_chars.c \
	frontd/response.c frontd/routes.c frontd/tls.c \
	frontd/json_limits.c frontd/peers.c frontd/api.c frontd/api_answer.c \
	frontd/api_auth.c frontd/api_body.c frontd/api_ipc.c frontd/api_peer.c \
	frontd/render.c \
	frontd/v1.c frontd/apiv1.c frontd/cce.c frontd/account.c \
	frontd/grantcache.c frontd/sshkeys.c frontd/hosts.c \
	frontd/profile.c frontd/groups.c frontd/sessions.c frontd/egress.c \
	frontd/tlskey.c frontd/signlink.c frontd/acme.c frontd/certs.c \
	frontd/dnsprov.c frontd/acmeacct.c frontd/devices.c frontd/devpoll.c \
	frontd/devreg.c frontd/cceline.c frontd/ccecmd.c frontd/cceres.c \
	frontd/entry.c frontd/bootsess.c frontd/scripts.c frontd/scriptrender.c
# authd's cryptography (crypto.h), which unit tests and fuzzers link too
AUTHD_CRYPTO_SRCS = authd/crypto.c authd/base64.c authd/seal.c \
	authd/token.c authd/jwt.c authd/sigv2.c authd/httpdate.c authd/wgkey.c
AUTHD_SRCS = authd/authd.c authd/config.c authd/bootstrap.c \
	$(AUTHD_CRYPTO_SRCS) authd/hasher.c authd/phc.c authd/login.c \
	authd/answers.c authd/atrest.c authd/mint.c authd/verify.c \
	authd/users.c authd/apikeys.c authd/clients.c authd/account.c \
	authd/sshkey.c authd/sshkeys.c authd/egress.c authd/limits.c \
	authd/replay.c authd/tlskey.c authd/acmeeab.c authd/pki.c authd/certs.c \
	authd/dnsprov.c authd/dnsunseal.c \
	authd/acmeacct.c authd/acmesign.c authd/acmekey.c authd/renewkey.c \
	authd/certexport.c \
	authd/devices.c authd/deploy.c authd/devsess.c authd/keygen.c \
	authd/panelnames.c authd/cce.c authd/entry.c authd/gateway.c
STORED_SRCS = stored/stored.c stored/config.c stored/db.c stored/schema.c \
	stored/health.c stored/userrow.c stored/userpass.c stored/userops.c \
	stored/credentials.c stored/authz.c \
	stored/sessions.c stored/events.c stored/reply.c stored/tokens.c \
	stored/apikeys.c stored/clients.c stored/account.c stored/sshkeys.c \
	stored/profile.c stored/groups.c stored/sessionops.c stored/hosts.c stored/hostrows.c \
	stored/entry.c \
	stored/reconcile.c stored/stats.c stored/tasks.c stored/queue.c \
	stored/egress.c stored/bindings.c stored/egresstest.c stored/digest.c \
	stored/challenges.c stored/challengedb.c stored/certpage.c stored/cas.c \
	stored/certs.c stored/certrows.c stored/acmecert.c stored/acmejob.c stored/dnsprov.c \
	stored/acmeacct.c stored/devices.c stored/devrows.c stored/devself.c stored/devsignal.c \
	stored/devsess.c stored/keyperms.c stored/cce.c stored/cceexec.c \
	stored/cceobj.c stored/cceops.c stored/ccewrite.c stored/ccefind.c \
	stored/ccevals.c stored/ccesort.c stored/ccemoat.c stored/ccero.c \
	stored/gateway.c \
	common/cceschema.c common/ccetype.c
TASKD_SRCS = taskd/taskd.c taskd/config.c taskd/jobs.c taskd/runner.c \
	taskd/crun.c taskd/image.c taskd/spawn.c taskd/net.c taskd/nettest.c taskd/endpoint.c \
	taskd/suite.c taskd/idmap.c taskd/bundle.c taskd/tree.c \
	taskd/driver.c taskd/http01.c taskd/acmejob.c taskd/acmeauth.c taskd/acmew.c \
	taskd/acmeworker.c taskd/gateway.c taskd/gwexec.c $(DNSU_SRCS)
# the DNS update client of ACME dns-01, which tests link too
DNSU_SRCS = taskd/dnswire.c taskd/dnstsig.c taskd/dnsnet.c taskd/dnsupdate.c
# The ACME engine, run by taskd's per-job workers (taskd/acme.h)
ACME_SRCS = taskd/acme.c taskd/acme_http.c taskd/acme_jws.c \
	taskd/acme_req.c taskd/acme_account.c taskd/acme_chal.c \
	taskd/acme_order.c taskd/acme_ari.c taskd/acme_dir.c
TASKD_SRCS += $(ACME_SRCS)
MOATCTL_SRCS = moatctl/moatctl.c
GATEWAYD_SRCS = gatewayd/gatewayd.c gatewayd/conn.c gatewayd/chan.c \
	gatewayd/gwmsg.c

MOATD_PKGS = $(PKGS_COMMON) msgpack libevent_core libpcre2-8
TLSGEN_PKGS = $(PKGS_COMMON) libcrypto libssh
FRONTD_PKGS = $(PKGS_COMMON) msgpack libevent_core libevent_openssl openssl jansson
AUTHD_PKGS = $(PKGS_COMMON) msgpack libevent_core libargon2 libcrypto jansson \
	libssh libsodium
STORED_PKGS = $(PKGS_COMMON) msgpack libevent_core sqlite3 jansson \
	libpcre2-8
TASKD_PKGS = $(PKGS_COMMON) msgpack libevent_core libcurl jansson libcrypto
MOATCTL_PKGS = $(PKGS_COMMON) msgpack libevent_core
GATEWAYD_PKGS = $(PKGS_COMMON) msgpack libevent_core libssh

BIN	= $(B)/bin
OBJ	= $(B)/obj
PROGS	= $(BIN)/moatd $(BIN)/frontd $(BIN)/authd $(BIN)/stored \
	  $(BIN)/taskd $(BIN)/gatewayd $(BIN)/moatctl $(BIN)/moat-tlsgen \
	  $(BIN)/moat-console

objs = $(patsubst %.c,$(OBJ)/$(2)/%.o,$(1))

all: $(PROGS)

# Every object depends on every header: a few dozen files, and a stale
# object compiled against an older struct is worse than a slow build.
HEADERS := $(wildcard */*.h)

$(B)/gen/parse.c: moatd/parse.y
	@mkdir -p $(dir $@)
	@echo "YACC $<"
	@$(YACC) -o $@ $<

# parse.c is generated: the yacc skeleton is not ours to fix.  It reads
# moatd's structs as every object does (HEADERS, below).
$(OBJ)/moatd/gen/parse.o: $(B)/gen/parse.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS_BASE) $(OPT) -Imoatd $(call pc_cflags,$(MOATD_PKGS)) \
	    -c $< -o $@

define prog_rules
$(OBJ)/$(1)/%.o: %.c $(HEADERS) $(B)/gen/paths.h $(B)/gen/ipc_version.h
	@mkdir -p $$(dir $$@)
	@echo "CC $(1)/$$<"
	@$$(CC) $$(CFLAGS_BASE) $$(OPT) -I$(1) $(3) $$(call pc_cflags,$(2)) -c $$< -o $$@
endef
$(eval $(call prog_rules,moatd,$(MOATD_PKGS)))
$(eval $(call prog_rules,frontd,$(FRONTD_PKGS)))
$(eval $(call prog_rules,authd,$(AUTHD_PKGS)))
$(eval $(call prog_rules,stored,$(STORED_PKGS)))
$(eval $(call prog_rules,taskd,$(TASKD_PKGS)))
$(eval $(call prog_rules,gatewayd,$(GATEWAYD_PKGS)))
$(eval $(call prog_rules,moatctl,$(MOATCTL_PKGS),-Imoatd))

# common/ and ipc/ once, as a library every program links
LIB_PKGS = $(PKGS_COMMON) msgpack libevent_core
$(eval $(call prog_rules,lib,$(LIB_PKGS)))
LIBMOAT = $(B)/libmoat.a
$(LIBMOAT): $(call objs,$(COMMON_SRCS) $(IPC_SRCS),lib)
	@rm -f $@
	@$(AR) rcs $@ $^

# The protocol's version, hashed from the catalogue and the bodies by a
# program built from them alone; rewritten only when it changes.
IPCGEN_SRCS = ipc/version_gen.c ipc/version.c ipc/catalogue.c ipc/proc.c $(IPC_BODY_SRCS)
$(B)/ipcversion: $(IPCGEN_SRCS) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "CC $@"
	@$(CC) $(CFLAGS_BASE) -DIPC_VERSION_GENERATING \
	    $(call pc_cflags,$(LIB_PKGS)) -o $@ $(IPCGEN_SRCS) \
	    $(call pc_libs,$(LIB_PKGS))
$(B)/gen/ipc_version.h: $(B)/ipcversion
	@mkdir -p $(dir $@)
	@$(B)/ipcversion > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

# For regress/fuzz/run.sh, which links the message layer by hand.
print-ipc-srcs:
	@echo $(IPC_SRCS)
print-acme-srcs:
	@echo $(ACME_SRCS)

# Compiled-in paths: rebuilt only when they change.
$(B)/gen/paths.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define LIBEXECDIR "%s"\n' '$(LIBEXECDIR)' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp
FORCE:

$(BIN)/moatd: $(call objs,$(MOATD_SRCS),moatd) $(OBJ)/moatd/gen/parse.o $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(MOATD_PKGS))
$(BIN)/moat-tlsgen: $(call objs,$(TLSGEN_SRCS),moatd) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(TLSGEN_PKGS))
$(BIN)/moat-console: $(call objs,$(CONSOLE_SRCS),taskd) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(PKGS_COMMON))
$(BIN)/frontd: $(call objs,$(FRONTD_SRCS),frontd) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(FRONTD_PKGS))
$(BIN)/authd: $(call objs,$(AUTHD_SRCS),authd) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(AUTHD_PKGS))
$(BIN)/stored: $(call objs,$(STORED_SRCS),stored) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(STORED_PKGS))
$(BIN)/taskd: $(call objs,$(TASKD_SRCS),taskd) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(TASKD_PKGS))
$(BIN)/gatewayd: $(call objs,$(GATEWAYD_SRCS),gatewayd) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(GATEWAYD_PKGS))
$(BIN)/moatctl: $(call objs,$(MOATCTL_SRCS),moatctl) $(LIBMOAT)
	@mkdir -p $(dir $@)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(MOATCTL_PKGS))

# ---- unit tests (built with the test flags) ---------------------------

UNIT_PKGS = $(PKGS_COMMON) msgpack libevent_core jansson
UNIT_TESTS = $(BIN)/test_ipc $(BIN)/test_conf $(BIN)/test_common \
	$(BIN)/test_http_parse $(BIN)/test_json_limits $(BIN)/test_crypto \
	$(BIN)/test_phc $(BIN)/test_grantcache $(BIN)/test_sshkey \
	$(BIN)/test_db $(BIN)/test_replay $(BIN)/test_endpoint \
	$(BIN)/test_gateway \
	$(BIN)/test_tlskey $(BIN)/test_tree $(BIN)/test_body_egress \
	$(BIN)/test_body_keys $(BIN)/test_body_users $(BIN)/test_authz \
	$(BIN)/test_body_auth $(BIN)/test_challenges $(BIN)/test_body_acme \
	$(BIN)/test_body_certs $(BIN)/test_pki $(BIN)/test_body_devices \
	$(BIN)/test_dnswire $(BIN)/dnsu_tool \
	$(BIN)/test_body_dns $(BIN)/test_dnsunseal $(BIN)/test_acmekey \
	$(BIN)/test_acme $(BIN)/acme_probe $(BIN)/test_acmew \
	$(BIN)/test_acmejob \
	$(BIN)/test_cceline $(BIN)/test_ccetype $(BIN)/test_cceschema \
	$(BIN)/test_body_cce $(BIN)/test_ccecmd $(BIN)/test_cce \
	$(DISPATCH_TESTS)
UNIT_LIB = $(call objs,regress/unit/test.c,unit) $(LIBMOAT)

$(eval $(call prog_rules,unit,$(UNIT_PKGS) libcrypto libcurl,-Ifrontd -Imoatd -Iauthd -Istored -Itaskd -Igatewayd))
$(OBJ)/unit/gen/parse.o: $(B)/gen/parse.c $(HEADERS)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_BASE) $(OPT) -Imoatd $(call pc_cflags,$(UNIT_PKGS)) \
	    -c $< -o $@

$(BIN)/test_ipc: $(call objs,regress/unit/test_ipc.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_egress: $(call objs,regress/unit/test_body_egress.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_keys: $(call objs,regress/unit/test_body_keys.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_users: $(call objs,regress/unit/test_body_users.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_auth: $(call objs,regress/unit/test_body_auth.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_certs: $(call objs,regress/unit/test_body_certs.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_devices: $(call objs,regress/unit/test_body_devices.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_body_cce: $(call objs,regress/unit/test_body_cce.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_pki: $(call objs,regress/unit/test_pki.c authd/pki.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)
$(BIN)/test_body_dns: $(call objs,regress/unit/test_body_dns.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_dnsunseal: $(call objs,regress/unit/test_dnsunseal.c \
    authd/dnsunseal.c authd/atrest.c $(AUTHD_CRYPTO_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)
$(BIN)/test_acmekey: $(call objs,regress/unit/test_acmekey.c \
    authd/acmekey.c authd/acmesign.c authd/acmeeab.c \
    authd/pki.c authd/atrest.c $(AUTHD_CRYPTO_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)
$(BIN)/test_common: $(call objs,regress/unit/test_common.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_conf: $(call objs,regress/unit/test_conf.c moatd/conffile.c moatd/confacme.c moatd/confcce.c $(CCE_SCHEMA_SRCS),unit) $(OBJ)/unit/gen/parse.o $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libpcre2-8)
HTTP_PARSER = frontd/http_parse.c frontd/http_chunked.c frontd/http_chars.c
$(BIN)/test_http_parse: $(call objs,regress/unit/test_http_parse.c $(HTTP_PARSER),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_json_limits: $(call objs,regress/unit/test_json_limits.c frontd/json_limits.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))

$(BIN)/test_crypto: $(call objs,regress/unit/test_crypto.c \
    $(AUTHD_CRYPTO_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)

$(BIN)/test_phc: $(call objs,regress/unit/test_phc.c authd/phc.c \
    $(AUTHD_CRYPTO_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto libargon2)

$(BIN)/test_replay: $(call objs,regress/unit/test_replay.c authd/replay.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))

$(BIN)/test_endpoint: $(call objs,regress/unit/test_endpoint.c taskd/endpoint.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_gateway: $(call objs,regress/unit/test_gateway.c gatewayd/gwmsg.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_acmew: $(call objs,regress/unit/test_acmew.c taskd/acmew.c,unit) $(UNIT_LIB)
	@echo LD $@
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_acmejob: $(call objs,regress/unit/test_acmejob.c taskd/acmejob.c \
    taskd/acmeauth.c taskd/acmew.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)

$(BIN)/test_dnswire: $(call objs,regress/unit/test_dnswire.c $(DNSU_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)
# not a unit test: the end-to-end test_dnsupdate.py drives it
$(BIN)/dnsu_tool: $(call objs,regress/tools/dnsu_tool.c $(DNSU_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)

$(BIN)/test_cceline: $(call objs,regress/unit/test_cceline.c frontd/cceline.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_ccecmd: $(call objs,regress/unit/test_ccecmd.c frontd/ccecmd.c frontd/cceline.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
# the command API's types, with PCRE2, which only stored will link
$(BIN)/test_ccetype: $(call objs,regress/unit/test_ccetype.c common/ccetype.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libpcre2-8)
$(BIN)/test_cceschema: $(call objs,regress/unit/test_cceschema.c common/cceschema.c common/ccetype.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libpcre2-8)

# the command API's object model: all of stored but its main, on a real
# database with the shipped schema
CCE_TEST_SRCS = regress/unit/test_cce.c regress/unit/test_cce_find.c \
	regress/unit/test_cce_tx.c regress/unit/test_cce_chan.c \
	$(filter-out stored/stored.c,$(STORED_SRCS))
$(BIN)/test_cce: $(call objs,$(CCE_TEST_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) sqlite3 libpcre2-8)

$(BIN)/test_tree: $(call objs,regress/unit/test_tree.c taskd/tree.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))

$(BIN)/test_grantcache: $(call objs,regress/unit/test_grantcache.c frontd/grantcache.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto)

$(BIN)/test_sshkey: $(call objs,regress/unit/test_sshkey.c authd/sshkey.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libcrypto libssh)

$(BIN)/test_challenges: $(call objs,regress/unit/test_challenges.c stored/db.c stored/schema.c stored/challengedb.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) sqlite3)
$(BIN)/test_body_acme: $(call objs,regress/unit/test_body_acme.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS))
$(BIN)/test_db: $(call objs,regress/unit/test_db.c stored/db.c stored/profile.c,unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) sqlite3)
STORED_AUTHZ = stored/db.c stored/userrow.c stored/credentials.c stored/authz.c
$(BIN)/test_authz: $(call objs,regress/unit/test_authz.c $(STORED_AUTHZ),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) sqlite3)

TLSKEY_SRCS = regress/unit/test_tlskey.c authd/tlskey.c frontd/tlskey.c \
	frontd/tls.c frontd/signlink.c
$(BIN)/test_tlskey: $(call objs,$(TLSKEY_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(UNIT_PKGS) libssl libcrypto)

# The ACME engine's parsing, and the probe the e2e test drives against
# a real pebble (its signer is a local key: test code only)
ACME_TEST_PKGS = $(UNIT_PKGS) libcurl libcrypto
$(BIN)/test_acme: $(call objs,regress/unit/test_acme.c $(ACME_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(ACME_TEST_PKGS))
$(BIN)/acme_probe: $(call objs,regress/acme/acme_probe.c \
    regress/acme/probe_key.c regress/acme/probe_authd.c $(ACME_SRCS) \
    authd/acmekey.c authd/acmesign.c authd/acmeeab.c authd/pki.c \
    authd/atrest.c $(AUTHD_CRYPTO_SRCS),unit) $(UNIT_LIB)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(ACME_TEST_PKGS))

# Each process's dispatch table, checked against the catalogue by a test
# linked with that process's objects, its main renamed.
DISPATCH_PROCS = moatd frontd authd stored taskd gatewayd
DISPATCH_TESTS = $(patsubst %,$(BIN)/test_dispatch_%,$(DISPATCH_PROCS))
$(OBJ)/dispatch/%.o: $(OBJ)/%.o
	@mkdir -p $(dir $@)
	@objcopy --redefine-sym main=daemon_main $< $@
define dispatch_test
$(BIN)/test_dispatch_$(1): $(call objs,regress/unit/test_dispatch.c,unit) \
    $(patsubst $(OBJ)/%,$(OBJ)/dispatch/%,$(call objs,$(2),$(1))) $(4) \
    $(UNIT_LIB)
	@echo "LD $$@"
	@$$(CC) $$(LDOPT) -o $$@ $$^ $$(call pc_libs,$(3))
endef
$(eval $(call dispatch_test,moatd,$(MOATD_SRCS),$(MOATD_PKGS),$(OBJ)/moatd/gen/parse.o))
$(eval $(call dispatch_test,frontd,$(FRONTD_SRCS),$(FRONTD_PKGS)))
$(eval $(call dispatch_test,authd,$(AUTHD_SRCS),$(AUTHD_PKGS)))
$(eval $(call dispatch_test,stored,$(STORED_SRCS),$(STORED_PKGS)))
$(eval $(call dispatch_test,taskd,$(TASKD_SRCS),$(TASKD_PKGS)))
$(eval $(call dispatch_test,gatewayd,$(GATEWAYD_SRCS),$(GATEWAYD_PKGS)))

unit: $(UNIT_TESTS)

$(eval $(call prog_rules,bench,$(LIB_PKGS)))
$(BIN)/ipc_bench: $(call objs,bench/ipc_bench.c,bench) $(LIBMOAT)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,$(LIB_PKGS))
$(BIN)/argon2_bench: $(call objs,bench/argon2_bench.c,bench)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,libargon2) -lpthread
$(BIN)/tls_bench: $(call objs,bench/tls_bench.c,bench)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,libssl libcrypto) -lpthread
$(BIN)/longpoll: $(call objs,bench/longpoll.c,bench)
	@echo "LD $@"
	@$(CC) $(LDOPT) -o $@ $^ $(call pc_libs,libssl libcrypto libbsd-overlay)

# ---- the two commands and friends ------------------------------------

MOAT_VAR ?= $(CURDIR)/var
MOAT_PORT ?= 8443
export MOAT_VAR MOAT_PORT

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh $(BIN)

test-build:
	@$(MAKE) --no-print-directory B=build/test SAN=1 all unit

# Both builds use every core: a fresh clone builds everything twice.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory -j$(JOBS) test-build
	@regress/fuzz/run.sh 0
	@regress/run.sh

check-asan: check

fuzz: deps
	@regress/fuzz/run.sh $(FUZZ_SECONDS)

# The hostile-input campaign's generator with random seeds, for MINUTES.
MINUTES ?= 5
fuzz-api: deps
	@$(MAKE) --no-print-directory test-build
	@MINUTES=$(MINUTES) MOAT_TEST_BINDIR=$(CURDIR)/build/test/bin \
	    /usr/bin/python3 regress/e2e/fuzz_api.py

bench: deps
	@$(MAKE) --no-print-directory all $(BIN)/ipc_bench $(BIN)/argon2_bench \
	    $(BIN)/tls_bench $(BIN)/longpoll
	@$(MAKE) --no-print-directory KEY_IN_FRONTD=1 all
	@bench/run.sh

lint:
	mandoc -Tlint -Wwarning man/moatd.8 man/moatd.conf.5 man/moatctl.8

# The programs themselves are checked: objects of a KEY_IN_FRONTD build
# left in $(B) would pass any check of the make variables.
install-check:
	@for f in $(PROGS); do \
		if grep -qaF '$(KEY_IN_FRONTD_MARK)' "$$f"; then \
			echo "$$f: the benchmark's build with the TLS key" \
			    "in frontd (KEY_IN_FRONTD=1) is never installed;" \
			    "make clean first" >&2; \
			exit 1; \
		fi; \
	done

install: all
ifeq ($(KEY_IN_FRONTD),1)
	$(error KEY_IN_FRONTD=1 is the benchmark's build: it is never installed)
endif
	@$(MAKE) --no-print-directory install-check
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSCONFDIR)/moat
	install -m 0755 $(BIN)/moatd $(BIN)/moatctl $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(BIN)/frontd $(BIN)/authd $(BIN)/stored \
	    $(BIN)/taskd $(BIN)/gatewayd $(BIN)/moat-tlsgen \
	    $(BIN)/moat-console $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 man/moatd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/moatd.8 man/moatctl.8 $(DESTDIR)$(MANDIR)/man8/
	test -e $(DESTDIR)$(SYSCONFDIR)/moat/moatd.conf || \
	    install -m 0644 etc/moatd.conf $(DESTDIR)$(SYSCONFDIR)/moat/
	test -e $(DESTDIR)$(SYSCONFDIR)/moat/cce.schema || \
	    install -m 0644 etc/cce.schema $(DESTDIR)$(SYSCONFDIR)/moat/
	install -D -m 0644 etc/moatd.service \
	    $(DESTDIR)$(SYSTEMDDIR)/moatd.service
	install -D -m 0644 etc/moat.sysusers.conf \
	    $(DESTDIR)$(SYSUSERSDIR)/moat.conf
	install -D -m 0755 etc/moatd.rc $(DESTDIR)$(SYSCONFDIR)/init.d/moatd

clean:
	rm -rf build

.PHONY: FORCE all unit deps run test-build check check-asan fuzz fuzz-api bench \
	lint install install-check clean
