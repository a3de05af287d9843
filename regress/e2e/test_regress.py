"""The regress runner itself: what each of its passes takes."""
import os
import shutil
import subprocess

from suite import TOP

# the end-to-end files that regress/run.sh says cannot run, or show
# nothing, with the sandboxes off
NOT_LEAKCHECKED = {"test_processes.py", "test_make.py", "test_hostile.py"}


def e2e_files():
    return {n for n in os.listdir(os.path.join(TOP, "regress", "e2e"))
            if n.startswith("test_") and n.endswith(".py")}


def leakcheck_files(tmp_path, names):
    """What run.sh -l lists, asked of a copy of run.sh beside empty files
    of these names: never of the checkout, where a runner that did not
    know -l would start the whole regress suite."""
    e2e = tmp_path / "regress" / "e2e"
    e2e.mkdir(parents=True)
    shutil.copy(os.path.join(TOP, "regress", "run.sh"), tmp_path / "regress")
    for name in names:
        (e2e / name).write_text("")
    env = dict(os.environ)
    env.pop("MOAT_TEST_BINDIR", None)
    out = subprocess.run([str(tmp_path / "regress" / "run.sh"), "-l"],
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
