/*
 * Numbered migrations, applied in order at start, each in its own
 * transaction together with its row in schema_migrations.
 */
#include <stddef.h>

#include "log.h"
#include "stored.h"

static const char *const migrations[] = {
	/* 1: users and the audit trail */
	"CREATE TABLE users ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  username TEXT NOT NULL UNIQUE,"
	"  password_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),"
	"  status TEXT NOT NULL DEFAULT 'active'"
	"    CHECK (status IN ('active', 'disabled')),"
	"  expires_at INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE events ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  task_id TEXT,"
	"  host_id TEXT,"
	"  user_id TEXT,"
	"  level TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  metadata TEXT NOT NULL DEFAULT '{}',"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX events_created ON events (created_at, oid);"
	"CREATE INDEX events_type ON events (type, created_at);"
	"CREATE INDEX events_user ON events (user_id, created_at);",

	/* 2: identity: profile fields, sessions, keys, clients */
	"ALTER TABLE users ADD COLUMN email TEXT;"
	"ALTER TABLE users ADD COLUMN first_name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN last_name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN notification_email TEXT NOT NULL "
	"  DEFAULT '';"
	"ALTER TABLE users ADD COLUMN notification_phone TEXT NOT NULL "
	"  DEFAULT '';"
	"CREATE UNIQUE INDEX users_email ON users (email) "
	"  WHERE email IS NOT NULL;"
	"CREATE TABLE api_clients ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL UNIQUE,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  digest BLOB NOT NULL,"
	"  allow TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	"  oid INTEGER PRIMARY KEY,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  digest BLOB,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  dialect INTEGER NOT NULL,"
	"  source_ip TEXT NOT NULL,"
	"  client_oid INTEGER REFERENCES api_clients (oid) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  idle INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions (user_oid);"
	"CREATE INDEX sessions_expires ON sessions (expires_at);"
	"CREATE TABLE api_keys ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  digest BLOB NOT NULL,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  scopes INTEGER NOT NULL,"
	"  permissions TEXT NOT NULL DEFAULT '[]',"
	"  expires_at INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER);"
	"CREATE INDEX api_keys_user ON api_keys (user_oid, oid);"
	"CREATE TABLE account_keys ("
	"  oid INTEGER PRIMARY KEY,"
	"  api_key TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  secret_sealed BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX account_keys_user ON account_keys (user_oid);",

	/* 3: a command-API client acts as a user */
	("ALTER TABLE api_clients ADD COLUMN user_oid INTEGER "
	"  REFERENCES users (oid) ON DELETE CASCADE;"),

	/* 4: SSH keys, as authd checked them; one of each per user */
	"CREATE TABLE ssh_keys ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  blob64 TEXT NOT NULL,"
	"  comment TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  bits INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (user_oid, fingerprint));"
	"CREATE INDEX users_username_status ON users (username, status);",

	/* 5: a user's S3 credential pair, its secret sealed */
	"CREATE TABLE files_keys ("
	"  user_oid INTEGER PRIMARY KEY REFERENCES users (oid) "
	"    ON DELETE CASCADE,"
	"  api_id TEXT NOT NULL UNIQUE,"
	"  secret_sealed BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL);",

	/* 6: hosts and the task queue.  Row numbers are never given out
	 * again (AUTOINCREMENT): a late report names a task for good. */
	"CREATE TABLE hosts ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  short_id TEXT NOT NULL UNIQUE,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'running', "
	"    'stopped', 'failed', 'deleted')),"
	"  hostname TEXT NOT NULL,"
	"  timezone TEXT NOT NULL,"
	"  memory_limit_mb INTEGER NOT NULL,"
	"  cpu_milli INTEGER NOT NULL,"
	"  pids_limit INTEGER NOT NULL,"
	"  egress_ip_id TEXT,"
	"  ssh_password_sealed BLOB,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX hosts_live_user ON hosts (user_oid) "
	"  WHERE status != 'deleted';"
	"CREATE INDEX hosts_status ON hosts (status);"
	"CREATE TABLE tasks ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  action INTEGER NOT NULL,"
	"  host_oid INTEGER REFERENCES hosts (oid) ON DELETE CASCADE,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'running', "
	"    'succeeded', 'failed', 'canceled')),"
	"  requested_by TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  max_attempts INTEGER NOT NULL DEFAULT 3,"
	"  run_after INTEGER NOT NULL,"
	"  lease_until INTEGER,"
	"  fence INTEGER NOT NULL DEFAULT 0,"
	"  progress_percent INTEGER NOT NULL DEFAULT 0,"
	"  progress_message TEXT NOT NULL DEFAULT '',"
	"  error_code TEXT NOT NULL DEFAULT '',"
	"  error_message TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX tasks_queue ON tasks (status, run_after, oid);"
	"CREATE INDEX tasks_host ON tasks (host_oid, status);"
	"CREATE INDEX tasks_kind ON tasks (kind, oid);"
	"CREATE INDEX events_host ON events (host_id, created_at);",

	/* 7: the host reference a sealed SSH password is bound to */
	"ALTER TABLE hosts ADD COLUMN ssh_password_ref TEXT;",

	/* 8: user groups, which admins keep */
	"CREATE TABLE groups ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE user_groups ("
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  group_oid INTEGER NOT NULL REFERENCES groups (oid) "
	"    ON DELETE CASCADE,"
	"  PRIMARY KEY (user_oid, group_oid)) WITHOUT ROWID;"
	"CREATE INDEX user_groups_group ON user_groups (group_oid);",

	/* 9: egress IPs, their sealed secrets, and the bindings that give
	 * a host one (hosts.egress_ip_id is left unused: a binding says) */
	"CREATE TABLE egress_ips ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  label TEXT NOT NULL,"
	"  ip_address TEXT NOT NULL,"
	"  tunnel_type TEXT NOT NULL CHECK (tunnel_type IN ('wireguard', "
	"    'proxy')),"
	"  provider TEXT NOT NULL,"
	"  wg_endpoint TEXT NOT NULL,"
	"  wg_public_key TEXT NOT NULL,"
	"  wg_allowed_ips TEXT NOT NULL,"
	"  wg_dns_server TEXT NOT NULL,"
	"  wg_peer_address TEXT NOT NULL,"
	"  proxy_config TEXT NOT NULL,"
	"  wg_client_public_key TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE egress_secrets ("
	"  egress_oid INTEGER NOT NULL REFERENCES egress_ips (oid) "
	"    ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL,"
	"  ref TEXT NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  valid INTEGER NOT NULL,"
	"  PRIMARY KEY (egress_oid, kind)) WITHOUT ROWID;"
	"CREATE TABLE bindings ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  host_oid INTEGER NOT NULL UNIQUE REFERENCES hosts (oid) "
	"    ON DELETE CASCADE,"
	"  egress_oid INTEGER NOT NULL UNIQUE REFERENCES egress_ips (oid),"
	"  created_at INTEGER NOT NULL);",

	/* 10: the numbers of users, API keys and SSH keys, which clients
	 * hold, are never given out again (AUTOINCREMENT): SQLite gives a
	 * deleted row's number to the next row, and a client that deletes
	 * key 7 again, or reads user 7, would reach another's.  Tables
	 * rebuilt as SQLite says, with foreign keys off (FK_OFF_VERSION). */
	"CREATE TABLE users_new ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  username TEXT NOT NULL UNIQUE,"
	"  password_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'user')),"
	"  status TEXT NOT NULL DEFAULT 'active'"
	"    CHECK (status IN ('active', 'disabled')),"
	"  expires_at INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  email TEXT,"
	"  first_name TEXT NOT NULL DEFAULT '',"
	"  last_name TEXT NOT NULL DEFAULT '',"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  notification_email TEXT NOT NULL DEFAULT '',"
	"  notification_phone TEXT NOT NULL DEFAULT '');"
	"INSERT INTO users_new (oid, id, username, password_hash, role, status,"
	"  expires_at, created_at, updated_at, email, first_name, last_name,"
	"  phone, notification_email, notification_phone) SELECT oid, id,"
	"  username, password_hash, role, status, expires_at, created_at,"
	"  updated_at, email, first_name, last_name, phone,"
	"  notification_email, notification_phone FROM users;"
	"DROP TABLE users;"
	"ALTER TABLE users_new RENAME TO users;"
	"CREATE UNIQUE INDEX users_email ON users (email) "
	"  WHERE email IS NOT NULL;"
	"CREATE INDEX users_username_status ON users (username, status);"
	"CREATE TABLE api_keys_new ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  digest BLOB NOT NULL,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  scopes INTEGER NOT NULL,"
	"  permissions TEXT NOT NULL DEFAULT '[]',"
	"  expires_at INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER);"
	"INSERT INTO api_keys_new SELECT oid, id, public_id, digest, user_oid,"
	"  name, scopes, permissions, expires_at, created_at, last_used_at"
	"  FROM api_keys;"
	"DROP TABLE api_keys;"
	"ALTER TABLE api_keys_new RENAME TO api_keys;"
	"CREATE INDEX api_keys_user ON api_keys (user_oid, oid);"
	"CREATE TABLE ssh_keys_new ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  blob64 TEXT NOT NULL,"
	"  comment TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  bits INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (user_oid, fingerprint));"
	"INSERT INTO ssh_keys_new SELECT oid, id, user_oid, name, type, blob64,"
	"  comment, fingerprint, bits, created_at FROM ssh_keys;"
	"DROP TABLE ssh_keys;"
	"ALTER TABLE ssh_keys_new RENAME TO ssh_keys;",

	/* 11: a host.delete that outlives its host's row (its user was
	 * deleted, and the row with it) names the container by short id */
	"ALTER TABLE tasks ADD COLUMN short_id TEXT;",

	/* 12: a grant names a session or an account key pair by its row
	 * number, so that number is never given out again (AUTOINCREMENT):
	 * a logged-out session's grant, still held for its minute, named
	 * the next login's session.  And a session records the kind of
	 * token it was minted as (its prefix, or "jwt"), which alone it is
	 * accepted as.  No table refers to these two. */
	"CREATE TABLE sessions_new ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('jwt', 'mc_', 'ms_', 'ml_')),"
	"  digest BLOB,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  dialect INTEGER NOT NULL,"
	"  source_ip TEXT NOT NULL,"
	"  client_oid INTEGER REFERENCES api_clients (oid) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  idle INTEGER NOT NULL);"
	"INSERT INTO sessions_new (oid, public_id, kind, digest, user_oid,"
	"  dialect, source_ip, client_oid, created_at, last_used_at,"
	"  expires_at, idle) SELECT oid, public_id,"
	"  CASE WHEN client_oid IS NOT NULL THEN 'ml_'"
	"    WHEN digest IS NULL THEN 'jwt'"
	"    WHEN dialect = 1 THEN 'mc_' ELSE 'ms_' END,"
	"  digest, user_oid, dialect, source_ip, client_oid, created_at,"
	"  last_used_at, expires_at, idle FROM sessions;"
	"DROP TABLE sessions;"
	"ALTER TABLE sessions_new RENAME TO sessions;"
	"CREATE INDEX sessions_user ON sessions (user_oid);"
	"CREATE INDEX sessions_expires ON sessions (expires_at);"
	"CREATE TABLE account_keys_new ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  api_key TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  secret_sealed BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"INSERT INTO account_keys_new SELECT oid, api_key, user_oid,"
	"  secret_sealed, created_at FROM account_keys;"
	"DROP TABLE account_keys;"
	"ALTER TABLE account_keys_new RENAME TO account_keys;"
	"CREATE INDEX account_keys_user ON account_keys (user_oid);",

	/* 13: every task of a host names its short id, on which the claim
	 * leases one task of a host at a time */
	"UPDATE tasks SET short_id = (SELECT h.short_id FROM hosts h WHERE"
	"  h.oid = tasks.host_oid) WHERE short_id IS NULL AND"
	"  host_oid IS NOT NULL;"
	"CREATE INDEX tasks_short ON tasks (short_id, status);",

	/* 14: http-01 challenges taskd presents, until they expire: owner
	 * names the certificate or order they are for */
	"CREATE TABLE acme_challenges ("
	"  token TEXT PRIMARY KEY,"
	"  key_authz TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL,"
	"  expires_at BIGINT NOT NULL);"
	"CREATE INDEX acme_challenges_expires ON acme_challenges (expires_at);",
	/* 15: private CAs and certificates (issue 11); keys sealed by authd */
	"CREATE TABLE cas ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  key_type TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  cert_pem TEXT NOT NULL,"
	"  key_sealed BLOB NOT NULL,"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX cas_user ON cas (user_oid, oid);"
	"CREATE TABLE certificates ("
	"  oid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  ca_oid INTEGER REFERENCES cas (oid) ON DELETE SET NULL,"
	"  status TEXT NOT NULL,"
	"  domain TEXT NOT NULL,"
	"  sans TEXT NOT NULL,"
	"  key_type TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  issuer TEXT NOT NULL,"
	"  cert_pem TEXT,"
	"  chain_pem TEXT,"
	"  key_sealed BLOB,"
	"  not_before INTEGER,"
	"  not_after INTEGER,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX certificates_user ON certificates (user_oid, oid);"
	"CREATE INDEX certificates_ca ON certificates (ca_oid);",
	/* 16: a user's DNS providers for ACME dns-01, the secret sealed by
	 * authd bound to the provider's id; numbers never given again, as
	 * 10 says, since a certificate names its provider by number */
	"CREATE TABLE dns_providers ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('rfc2136', 'cloudflare')),"
	"  server TEXT NOT NULL DEFAULT '',"
	"  port INTEGER NOT NULL DEFAULT 0,"
	"  zone TEXT NOT NULL DEFAULT '',"
	"  key_name TEXT NOT NULL DEFAULT '',"
	"  algorithm TEXT NOT NULL DEFAULT '',"
	"  zone_id TEXT NOT NULL DEFAULT '',"
	"  secret_sealed BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX dns_providers_user ON dns_providers (user_oid, oid);",
	/* 17: a user's ACME accounts; the key sealed by authd to the id */
	"CREATE TABLE acme_accounts ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  email TEXT NOT NULL,"
	"  directory TEXT NOT NULL,"
	"  key_type TEXT NOT NULL,"
	"  key_sealed BLOB NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN"
	"    ('pending', 'valid', 'deactivated', 'revoked')),"
	"  account_url TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX acme_accounts_user ON acme_accounts (user_oid, oid);",
	/* 18: a user's devices, their tokens (public id and HMAC, as API
	 * keys), the certificates given to them, and the signals they poll;
	 * numbers never given again, since a device's grant names its row */
	"CREATE TABLE devices ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  device_type TEXT NOT NULL DEFAULT '',"
	"  dev_pk TEXT NOT NULL DEFAULT '',"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  digest BLOB NOT NULL,"
	"  signals_trimmed BIGINT NOT NULL DEFAULT 0,"
	"  created_at BIGINT NOT NULL);"
	"CREATE INDEX devices_user ON devices (user_oid, oid);"
	"CREATE TABLE device_certs ("
	"  device_oid INTEGER NOT NULL REFERENCES devices (oid)"
	"    ON DELETE CASCADE,"
	"  cert_oid INTEGER NOT NULL REFERENCES certificates (oid)"
	"    ON DELETE CASCADE,"
	"  assigned_at BIGINT NOT NULL,"
	"  PRIMARY KEY (device_oid, cert_oid));"
	"CREATE INDEX device_certs_cert ON device_certs (cert_oid);"
	"CREATE TABLE device_signals ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  device_oid INTEGER NOT NULL REFERENCES devices (oid)"
	"    ON DELETE CASCADE,"
	"  type TEXT NOT NULL,"
	"  ref TEXT NOT NULL DEFAULT '',"
	"  ts_ms BIGINT NOT NULL,"
	"  UNIQUE (device_oid, type, ts_ms));"
	"CREATE INDEX device_signals_device ON device_signals"
	"  (device_oid, oid);",
	/* 19: ACME issuance as a task: a certificate's account and DNS
	 * provider (none: http-01), the new key of a renewal until it
	 * succeeds, auto-renew (when, and the failures in a row that put
	 * it off); a task's certificate and the order an
	 * attempt made, which the next attempt resumes (a task outlives
	 * its certificate, so that it still counts against the issuance
	 * limit, and fails) */
	"ALTER TABLE certificates ADD COLUMN acme_account_oid INTEGER"
	"  REFERENCES acme_accounts (oid) ON DELETE SET NULL;"
	"ALTER TABLE certificates ADD COLUMN dns_provider_oid INTEGER"
	"  REFERENCES dns_providers (oid) ON DELETE SET NULL;"
	"ALTER TABLE certificates ADD COLUMN renew_key_sealed BLOB;"
	"ALTER TABLE certificates ADD COLUMN auto_renew INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE certificates ADD COLUMN renew_at BIGINT;"
	"ALTER TABLE certificates ADD COLUMN renew_failures INTEGER NOT NULL"
	"  DEFAULT 0;"
	"CREATE INDEX certificates_renew ON certificates (renew_at)"
	"  WHERE auto_renew = 1;"
	"ALTER TABLE tasks ADD COLUMN cert_oid INTEGER"
	"  REFERENCES certificates (oid) ON DELETE SET NULL;"
	"ALTER TABLE tasks ADD COLUMN order_url TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX tasks_cert ON tasks (cert_oid, oid);",
	/* 20: an agent's sessions: access (da_) and refresh (dr_) tokens,
	 * public id and HMAC as API keys, by family (all turned over from
	 * one registration); a refresh token used twice ends its family,
	 * and every grant of its device made before (sessions_revoked_at) */
	"CREATE TABLE device_sessions ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  device_oid INTEGER NOT NULL REFERENCES devices (oid)"
	"    ON DELETE CASCADE,"
	"  family TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('da_', 'dr_')),"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  digest BLOB NOT NULL,"
	"  used INTEGER NOT NULL DEFAULT 0,"
	"  expires_at BIGINT NOT NULL);"
	"CREATE INDEX device_sessions_family ON device_sessions (family);"
	"CREATE INDEX device_sessions_device ON device_sessions"
	"  (device_oid);"
	"ALTER TABLE devices ADD COLUMN sessions_revoked_at BIGINT NOT NULL"
	"  DEFAULT 0;",
	/* 21: an API key's permissions on single objects: the scopes it
	 * has on named objects alone (restricted), and those objects */
	"ALTER TABLE api_keys ADD COLUMN restricted BIGINT NOT NULL"
	"  DEFAULT 0;"
	"CREATE TABLE api_key_objects ("
	"  key_oid INTEGER NOT NULL REFERENCES api_keys (oid)"
	"    ON DELETE CASCADE,"
	"  scope BIGINT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  PRIMARY KEY (key_oid, scope, object_id));",
	/* 22: the API key that registered a device, which then speaks for
	 * it on the update poll (certctrl-apikeys.txt polls with a key) */
	"ALTER TABLE devices ADD COLUMN apikey_oid INTEGER"
	"  REFERENCES api_keys (oid) ON DELETE SET NULL;",
	/* 23: the command API's objects (issue 12): each object's class,
	 * and for moat's own the row it stands for (a User's user, a
	 * Vsite's host); the property store (namespace '' is the class's
	 * own; its object's class again, so that a FIND is one range of
	 * the index by class, property and value); the state that outlives a
	 * restart (SUSPEND's reason); a user's suspension, which every
	 * credential lookup reads.  System is oid 1; every user there is
	 * becomes a User object. */
	"CREATE TABLE cce_objects ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  class TEXT NOT NULL,"
	"  user_oid INTEGER UNIQUE REFERENCES users (oid) ON DELETE CASCADE,"
	"  host_oid INTEGER REFERENCES hosts (oid) ON DELETE SET NULL,"
	"  created_at BIGINT NOT NULL);"
	"CREATE INDEX cce_objects_class ON cce_objects (class, oid);"
	"CREATE TABLE cce_props ("
	"  oid INTEGER NOT NULL REFERENCES cce_objects (oid)"
	"    ON DELETE CASCADE,"
	"  class TEXT NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (oid, namespace, name));"
	"CREATE INDEX cce_props_value ON cce_props (class, namespace, name,"
	"  value, oid);"
	"CREATE TABLE cce_state ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"INSERT INTO cce_objects (oid, class, created_at) VALUES"
	"  (1, 'System', 0);"
	"INSERT INTO cce_objects (class, user_oid, created_at) SELECT 'User',"
	"  oid, created_at FROM users ORDER BY oid;"
	"ALTER TABLE users ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;",
	/* 24: bootstrap sessions (issue 13): a user whose password was
	 * right follows their host's start by a random id, kept as its
	 * SHA-256 (hex) until it expires */
	"CREATE TABLE bootstrap_sessions ("
	"  oid INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  digest TEXT NOT NULL UNIQUE,"
	"  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,"
	"  host_oid INTEGER NOT NULL REFERENCES hosts (oid) ON DELETE CASCADE,"
	"  task_id TEXT,"
	"  peer TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL,"
	"  expires_at BIGINT NOT NULL);"
	"CREATE INDEX bootstrap_sessions_expiry ON bootstrap_sessions"
	"  (expires_at);",
};

/* The migration that rebuilds tables other tables refer to: it runs with
 * foreign keys off (a DROP would cascade), and is checked before it
 * commits. */
#define FK_OFF_VERSION	10

int
schema_version(void)
{
	static const char sql[] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

/* Whether any row refers to one that is not there. */
static int
foreign_keys_broken(void)
{
	sqlite3_stmt	*st = db_stmt("PRAGMA foreign_key_check");
	int		 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		log_warnx("a migration would leave rows that refer to none");
	return rc != SQLITE_DONE;
}

static int
apply(int version, const char *sql)
{
	static const char record[] = "INSERT INTO schema_migrations "
	    "(version, applied_at) VALUES (?, ?)";
	sqlite3_stmt	*st;
	int		 rc;

	if (db_begin() == -1)
		return -1;
	if (db_exec(sql) == -1 || (version == FK_OFF_VERSION &&
	    foreign_keys_broken())) {
		db_rollback();
		return -1;
	}
	st = db_stmt(record);
	sqlite3_bind_int(st, 1, version);
	sqlite3_bind_int64(st, 2, db_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_rollback();
		return -1;
	}
	return db_commit();
}

int
schema_migrate(void)
{
	int	 have, i, n = sizeof(migrations) / sizeof(migrations[0]);

	if (db_exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)") == -1)
		return -1;
	if ((have = schema_version()) < 0)
		return -1;
	if (have > n)
		fatalx("the database has schema %d; this stored knows %d",
		    have, n);
	for (i = have; i < n; i++) {
		/* a pragma that a transaction would ignore */
		if (i + 1 == FK_OFF_VERSION &&
		    db_exec("PRAGMA foreign_keys=OFF") == -1)
			return -1;
		if (apply(i + 1, migrations[i]) == -1)
			return -1;
		if (i + 1 == FK_OFF_VERSION &&
		    db_exec("PRAGMA foreign_keys=ON") == -1)
			return -1;
		log_info("database schema migrated to version %d", i + 1);
	}
	return 0;
}
