"""The regress runner itself: what each of its passes takes."""
import os
import shutil
import subprocess

from suite import TOP

# the end-to-end files that regress/run.sh says cannot run, or show
# nothing, with the sandboxes off
NOT_LEAKCHECKED = {"test_processes.py", "test_acme_sandbox.py", "test_make.py",
                   "test_hostile.py"}


def e2e_files():
    return {n for n in os.listdir(os.path.join(TOP, "regress", "e2e"))
            if n.startswith("test_") and n.endswith(".py")}


def leakcheck_files(tmp_path, names, flag="-l"):
    """What run.sh -l (or -L) lists, asked of a copy of run.sh beside
    empty files of these names: never of the checkout, where a runner
    that did not know the flag would start the whole regress suite."""
    e2e = tmp_path / "regress" / "e2e"
    e2e.mkdir(parents=True)
    shutil.copy(os.path.join(TOP, "regress", "run.sh"), tmp_path / "regress")
    for name in names:
        (e2e / name).write_text("")
    env = dict(os.environ)
    env.pop("MOAT_TEST_BINDIR", None)
    out = subprocess.run([str(tmp_path / "regress" / "run.sh"), flag],
                         cwd=str(tmp_path), env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.split()


def test_leak_pass_takes_a_new_file_unlisted(tmp_path):
    """A new end-to-end file runs under LeakSanitizer without anyone
    adding it to a list."""
    listed = leakcheck_files(tmp_path, e2e_files() | {"test_brand_new.py"})
    assert "regress/e2e/test_brand_new.py" in listed


def test_leak_pass_leaves_out_only_what_it_names(tmp_path):
    listed = leakcheck_files(tmp_path, e2e_files())
    assert len(listed) == len(set(listed))
    assert {os.path.basename(f) for f in listed} == \
        e2e_files() - NOT_LEAKCHECKED
    assert all(f.startswith("regress/e2e/") for f in listed)


def test_every_file_runs_in_one_lane(tmp_path):
    """The two lanes that run at once share out every file, a new one
    too, each to one lane only, so that no file runs beside itself; the
    heaviest are apart."""
    names = e2e_files() | {"test_brand_new.py"}
    out = leakcheck_files(tmp_path, names, "-L")
    pairs = list(zip(out[0::2], out[1::2]))
    assert sorted(os.path.basename(f) for _, f in pairs) == sorted(names)
    assert {lane for lane, _ in pairs} == {"1", "2"}
    lane = {os.path.basename(f): n for n, f in pairs}
    assert lane["test_limits.py"] != lane["test_hostile.py"]
