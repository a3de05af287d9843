#!/bin/sh
# Installs the Debian packages moat needs that are missing (and only
# those), and creates the system users of the suite.  Idempotent.
set -eu

BUILD="pkg-config make gcc clang byacc mandoc libbsd-dev libseccomp-dev
libmsgpack-dev libevent-dev libssl-dev libjansson-dev libsqlite3-dev
libargon2-dev libcurl4-openssl-dev libssh-dev libsodium-dev libpcre2-dev"
RUN="openssl curl ca-certificates procps iproute2 sqlite3 crun busybox-static
wireguard-go wireguard-tools"
TEST="python3 python3-pytest python3-requests wrk nginx-light libclang-rt-14-dev
llvm openssh-server openssh-client runc bind9 bind9-utils bind9-dnsutils
pebble python3-nacl shellcheck sshpass"
# make bench compares moat's ACME issuance with certbot's
BENCH="certbot"

missing=""
for p in $BUILD $RUN $TEST $BENCH; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing" >&2
		echo "deps: run as root, or install them with apt-get" >&2
		exit 1
	fi
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# Packages with daemons (openssh-server for the sshd test) are not
	# started by their install: the tests start their own.
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		policy=/usr/sbin/policy-rc.d
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	[ -z "$policy" ] || rm -f "$policy"
fi

# The users of the children (etc/moat.sysusers.conf says the same).
if [ "$(id -u)" -eq 0 ]; then
	# _moatkeys runs sshd's AuthorizedKeysCommand (moatctl(8))
	for u in _moatfront _moatauth _moatdb _moatkeys _moatgw; do
		if ! getent passwd "$u" >/dev/null; then
			useradd --system --no-create-home --home-dir /nonexistent \
			    --shell /usr/sbin/nologin --user-group "$u"
		fi
	done
fi
