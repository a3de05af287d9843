#!/bin/bash
# moat: the way into your host through @BASE@.  It asks for your user
# name and password on the terminal, starts your host if it is stopped,
# waits for it (up to 120 s) and connects through moat's SSH gateway.
# Exit status: 10 auth_invalid, 11 account_disabled, 12 account_expired,
# 13 host_not_found, 14 start_failed, 15 ssh_not_ready,
# 16 egress_binding_missing, 2 a network error, 1 anything else.
set -u
base='@BASE@'
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
# GET or POST (with the body on standard input): code and answer
call() {
	local reply
	if [ "$1" = POST ]; then
		reply=$(curl -sS ${copts[@]+"${copts[@]}"} -X POST -H \
		    'Content-Type: application/json' --data-binary @- \
		    -w '\n%{http_code}' "$base$2") || return 1
	else
		reply=$(curl -sS ${copts[@]+"${copts[@]}"} -w '\n%{http_code}' \
		    "$base$2" </dev/null) || return 1
	fi
	code=${reply##*$'\n'}
	answer=${reply%$'\n'*}
}
fail() {
	local why
	why=$(field error_code)
	say "${why:-error}: $(field message)$(field error_message)"
	case $why in
	auth_invalid) exit 10 ;;
	account_disabled) exit 11 ;;
	account_expired) exit 12 ;;
	host_not_found) exit 13 ;;
	start_failed) exit 14 ;;
	ssh_not_ready) exit 15 ;;
	egress_binding_missing) exit 16 ;;
	*) exit 1 ;;
	esac
}
json_text() {
	local s=${1//\\/\\\\}
	printf '%s' "${s//\"/\\\"}"
}

if ! { exec 3</dev/tty; } 2>/dev/null; then
	say "no terminal to read the user name and password from"
	exit 1
fi
printf 'Username: ' >/dev/tty
IFS= read -r user <&3
# echo off before the prompt: nothing typed after it is shown
stty -echo <&3 2>/dev/null
printf 'Password: ' >/dev/tty
IFS= read -r pass <&3
stty echo <&3 2>/dev/null
printf '\n' >/dev/tty
exec 3<&-

# the password travels on curl's standard input, never its arguments
if ! call POST /v1/bootstrap/sessions < <(printf \
    '{"username":"%s","password":"%s"}' "$(json_text "$user")" \
    "$(json_text "$pass")"); then
	say "cannot reach $base"
	exit 2
fi
unset pass
case $code in
2??) ;;
*) fail ;;
esac
task=$(field task_id)
if [ -z "$task" ]; then
	say "unexpected answer from $base"
	exit 1
fi
say "$(field stage_text)"

deadline=$((SECONDS + 120))
while :; do
	if ! call GET "/v1/bootstrap/tasks/$task"; then
		say "cannot reach $base"
		exit 2
	fi
	[ "$code" = 200 ] || fail
	case $(field task_status) in
	succeeded) break ;;
	failed|canceled) fail ;;
	esac
	if [ $SECONDS -ge $deadline ]; then
		say "the host did not become ready in 120 s"
		exit 15
	fi
	sleep 3
done

if ! call GET "/v1/bootstrap/tasks/$task/handoff"; then
	say "cannot reach $base"
	exit 2
fi
[ "$code" = 200 ] || fail
host=$(field host)
port=$(number port)
ruser=$(field user)
if [ -z "$host" ] || [ -z "$port" ] || [ -z "$ruser" ]; then
	say "unexpected answer from $base"
	exit 1
fi
set -- -p "$port"
for o in $(printf '%s' "$answer" | grep -o '"ssh_options":\[[^]]*\]' |
    grep -o '"[^"]*"' | sed -n '2,$p' | tr -d '"'); do
	set -- "$@" -o "$o"
done
# the terminal, not the pipe this script came through (curl ... | bash)
exec ssh "$@" "$ruser@$host" </dev/tty
