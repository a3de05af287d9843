#!/bin/bash
# moat: the way into host @SHORT_ID@.  It asks for the host's password on
# the terminal, checks it with @BASE@ and connects to the host through
# moat's SSH gateway.  Exit status: 10 wrong password, 11 account
# disabled, 12 account expired, 13 no such host, 15 the host is not
# ready, 2 a network error, 1 anything else.
set -u
base='@BASE@'
sid='@SHORT_ID@'
# curl's own options from the caller, if any (a test's -k)
read -ra copts <<<"${MOAT_CURL_OPTS:-}"

say() { printf 'moat: %s\n' "$*" >&2; }
field() {
	printf '%s' "$answer" | grep -o "\"$1\":\"[^\"]*\"" | head -n 1 |
	    cut -d '"' -f 4
}
number() {
	printf '%s' "$answer" | grep -o "\"$1\":[0-9]*" | head -n 1 |
	    cut -d : -f 2
}

if ! { exec 3</dev/tty; } 2>/dev/null; then
	say "no terminal to read the password from"
	exit 1
fi
# echo off before the prompt: nothing typed after it is shown
stty -echo <&3 2>/dev/null
printf 'Password for %s: ' "$sid" >/dev/tty
IFS= read -r pass <&3
stty echo <&3 2>/dev/null
printf '\n' >/dev/tty
exec 3<&-

# the password travels on curl's standard input, never its arguments
esc=${pass//\\/\\\\}
esc=${esc//\"/\\\"}
if ! reply=$(printf '{"password":"%s"}' "$esc" |
    curl -sS ${copts[@]+"${copts[@]}"} -X POST \
    -H 'Content-Type: application/json' --data-binary @- \
    -w '\n%{http_code}' "$base/v1/entry/$sid/auth"); then
	say "cannot reach $base"
	exit 2
fi
unset esc
code=${reply##*$'\n'}
answer=${reply%$'\n'*}
case $code in
200) ;;
400|401) say "invalid credentials"; exit 10 ;;
403)
	case $answer in
	*expired*) say "the account has expired"; exit 12 ;;
	*) say "the account is disabled"; exit 11 ;;
	esac ;;
404) say "no host is assigned to $sid"; exit 13 ;;
429) say "too many attempts; try again later"; exit 1 ;;
*) say "unexpected answer $code from $base"; exit 1 ;;
esac
if [ "$(field status)" != ready ]; then
	say "the host is not ready: $(field message)"
	exit 15
fi
host=$(field ssh_host)
port=$(number ssh_port)
user=$(field ssh_user)
if [ -z "$host" ] || [ -z "$port" ] || [ -z "$user" ]; then
	say "unexpected answer from $base"
	exit 1
fi

# sshpass, or ssh's own SSH_ASKPASS (OpenSSH 8.4 and later), or ssh
# asking for the password itself; its input is the terminal, not the
# pipe this script came through (curl ... | bash)
if command -v sshpass >/dev/null 2>&1; then
	export SSHPASS=$pass
	exec sshpass -e ssh -p "$port" -o StrictHostKeyChecking=accept-new \
	    "$user@$host" </dev/tty
fi
askpass_ok() {
	local v
	v=$(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	[ -n "$v" ] || return 1
	[ "${v% *}" -gt 8 ] || { [ "${v% *}" -eq 8 ] && [ "${v#* }" -ge 4 ]; }
}
if askpass_ok && askpass=$(mktemp 2>/dev/null); then
	# shellcheck disable=SC2016
	printf '#!/bin/sh\nprintf "%%s\\n" "$MOAT_ENTRY_PASS"\n' >"$askpass"
	chmod 700 "$askpass"
	MOAT_ENTRY_PASS=$pass SSH_ASKPASS=$askpass SSH_ASKPASS_REQUIRE=force \
	    ssh -p "$port" -o StrictHostKeyChecking=accept-new "$user@$host" \
	    </dev/tty
	status=$?
	rm -f "$askpass"
	exit $status
fi
say "type the host's password once more for ssh"
exec ssh -p "$port" -o StrictHostKeyChecking=accept-new "$user@$host" \
    </dev/tty
