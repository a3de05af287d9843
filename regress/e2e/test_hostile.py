"""The hostile-input campaign over every route (hostile.py says what it
sends and what must hold).  It runs in make check; make fuzz-api runs the
same generator with random seeds for longer."""
import os
import time

from hostile import CONF, QUICK, Campaign, routes
from identity import admin_password

SEED = int(os.environ.get("MOAT_CAMPAIGN_SEED", "1"))


def test_the_route_table_is_the_campaigns():
    """frontd -R lists every route, with the fields each takes."""
    table = routes()
    assert len(table) >= 70
    paths = {(r["method"], r["path"]) for r in table}
    assert ("POST", "/v1/admin/egress-ips") in paths
    assert ("POST", "/v2/cce") in paths
    assert ("PUT", "/v2/account/sshkey") in paths
    for r in table:
        assert r["dialect"] in ("v1", "cce", "apiv1", "account"), r
        if r["method"] in ("POST", "PUT", "PATCH") and r["fields"]:
            assert all(isinstance(f, str) and f for f in r["fields"]), r


def test_every_route_with_hostile_input(make_suite):
    suite = make_suite(conf=CONF)
    before = sorted(suite.all_pids())
    campaign = Campaign(suite, SEED)
    campaign.setup(admin_password(suite))
    started = time.time()
    campaign.walk()
    took = time.time() - started
    after = sorted(suite.all_pids())
    log = suite.log_text()
    print("\ncampaign: seed %d, %d routes, %d requests, %d digests (%d "
          "groups left unchecked) in %.0f s; answers by status: %s" % (
              SEED, len(campaign.routes), campaign.requests, campaign.digests,
              campaign.unchecked, took, ", ".join(
                  "%s: %d" % kv for kv in sorted(campaign.counts.items()))))
    assert not campaign.failures, "\n".join(campaign.failures[:40])
    assert before == after, "a process restarted"
    assert "protocol violation" not in log
    assert campaign.requests > (2000 if QUICK else 10000)
