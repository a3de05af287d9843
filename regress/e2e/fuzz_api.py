"""make fuzz-api MINUTES=N: the campaign's generator with random seeds
against one suite, for as long as asked.  Prints the seed of any failure;
MOAT_CAMPAIGN_SEED=S replays it (one round of that seed per request)."""
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from hostile import CONF, Campaign  # noqa: E402
from identity import admin_password  # noqa: E402
from suite import Suite  # noqa: E402


def main():
    minutes = float(os.environ.get("MINUTES", "1"))
    seed = os.environ.get("MOAT_CAMPAIGN_SEED")
    rounds = int(os.environ.get("ROUNDS", "200"))
    tmp = tempfile.mkdtemp(prefix="moat-fuzz-api-")
    suite = Suite(tmp)
    suite.write_conf(CONF)
    suite.start()
    failed = []
    total = 0
    try:
        pids = sorted(suite.all_pids())
        setup = Campaign(suite, 0)
        setup.setup(admin_password(suite))
        deadline = time.time() + minutes * 60
        while time.time() < deadline:
            s = int(seed) if seed else random.randrange(1, 2 ** 31)
            c = Campaign(suite, s)
            c.fx, c.base = setup.fx, setup.base
            for _ in range(rounds):
                c.random_round()
            total += c.requests
            if c.failures or sorted(suite.all_pids()) != pids:
                failed.append(s)
                print("fuzz-api: seed %d failed:\n  %s" % (
                    s, "\n  ".join(c.failures[:10]) or "a process restarted"))
                if sorted(suite.all_pids()) != pids:
                    break
            if seed:
                break
    finally:
        code = suite.stop()
        reports = suite.sanitizer_reports()
    print("fuzz-api: %d requests, %d failing seeds%s; log %s" % (
        total, len(failed), (": " + " ".join(map(str, failed))) if failed
        else "", suite.log_path))
    if reports:
        print("fuzz-api: sanitizer reports: %s" % reports)
    return 1 if failed or reports or code not in (0, None) else 0


if __name__ == "__main__":
    sys.exit(main())
