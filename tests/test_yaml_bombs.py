"""User-written YAML beyond interchange exports -- policy packs and waiver files -- is bounded too: a
billion-laughs document is refused in one line instead of hanging the run."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import EXAMPLES, run_cli

BOMB = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                 + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]) + "\n"


def test_policy_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("id: ours\nname: Our policy\nlevel: policy\n" + BOMB, encoding="utf-8")
    started = time.monotonic()
    validate = run_cli("rules", "validate", policy)
    scan = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--policy", policy, "--json", tmp_path / "r.json")
    assert time.monotonic() - started < 20  # the bomb expands to 387 million nodes: refused, not walked
    assert validate.code != 0 and "YAML nodes" in validate.stderr
    assert scan.code == 2 and "YAML nodes" in scan.stderr and not (tmp_path / "r.json").exists()


def test_waiver_alias_bomb_is_refused(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(BOMB + "waivers: *i\n", encoding="utf-8")
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--waivers", waivers, "--json", tmp_path / "r.json")
    assert run.code == 2 and "YAML nodes" in run.stderr
