"""The docs cannot quietly rot: every citation, link and command they show is checked here.

- Every vLLM citation (`vllm/<path>:<line>` or `:<start>-<end>`, and the short `<file>.py:<line>`
  form for a file the registry knows) in a markdown file or a mini_vllm/lab docstring is listed
  in `phase-05-cuda-graphs-and-torch-compile/citations.json`, the one registry of upstream lines.
- Each registry entry names the vLLM version it holds for (0.22.1, the version the course mirrors,
  or 0.33.0, today's release, where the docs teach a difference). The `vllm`-marked test checks
  each version's entries against that version's source: the extracted wheel named by
  `VLLM_0_22_1_SRC` / `VLLM_0_33_0_SRC` (a directory holding `vllm/`), or for 0.22.1 an installed
  vllm (found with `importlib.util.find_spec`, which locates the package without importing it).
  A citation registered only for 0.33.0 must say "0.33.0" on its line.
- Every relative link in every markdown file resolves, anchors included.
- Every `pytest` and `mini-vllm` command shown in a doc runs: pytest commands are collected
  (`--collect-only`, all of them in one background subprocess), `mini-vllm` commands run
  in-process from the repository root (commands that need torch or a GPU, or that write a file,
  are checked by parsing their flags only). An inline `mini-vllm ladder` in prose, with no
  flags, is a name: its subcommand must exist.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PHASE = ROOT / "phase-05-cuda-graphs-and-torch-compile"
REGISTRY = PHASE / "citations.json"
PRUNE = {"__pycache__", "build", "dist", "node_modules", "venv", "results"}

# --- walking the repository -------------------------------------------------------------------


def _walk(suffix: str, under: Path = ROOT) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(under):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in PRUNE
                             and not d.endswith(".egg-info"))
        found += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(suffix)]
    return found


@cache
def markdown_files() -> tuple[Path, ...]:
    return tuple(_walk(".md"))


@cache
def docstring_files() -> tuple[Path, ...]:
    """Python files whose docstrings cite upstream: the engine and the labs (tests excluded)."""
    files = _walk(".py", ROOT / "mini_vllm") + _walk(".py", PHASE)
    return tuple(f for f in files if not f.name.startswith("test_"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


FENCE = re.compile(r"^ {0,3}(```+|~~~+)\s*([\w+-]*)")


def split_fences(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str, list[str]]]]:
    """(prose lines with their numbers, fenced blocks as (first line, language, lines))."""
    prose, blocks, fence, lang, body, start = [], [], None, "", [], 0
    for no, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if fence is None and m:
            fence, lang, body, start = m.group(1), m.group(2).lower(), [], no + 1
        elif fence is not None and line.strip().startswith(fence[0] * len(fence)) and \
                not line.strip().strip(fence[0]):
            blocks.append((start, lang, body))
            fence = None
        elif fence is not None:
            body.append(line)
        else:
            prose.append((no, line))
    return prose, blocks


# --- citations -------------------------------------------------------------------------------

FULL_CITE = re.compile(r"(?<![\w.-])(vllm/[\w/.-]+?\.py):(\d+)(?:-(\d+))?(?![\w-])")
SHORT_CITE = re.compile(r"(?<![\w/.-])([A-Za-z_]\w*\.py):(\d+)(?:-(\d+))?(?![\w-])")


def _upstream_golden():
    """tools/upstream_golden.py, loaded by path: the one place that names the versions and their sources."""
    spec = importlib.util.spec_from_file_location("upstream_golden", ROOT / "tools" / "upstream_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_UPSTREAM = _upstream_golden()
VERSIONS = _UPSTREAM.VERSIONS  # the mirrored release first
source_env_var = _UPSTREAM.source_env_var
stamped_version = _UPSTREAM.stamped_version


@dataclass(frozen=True)
class Cite:
    where: str  # file:line in this repository
    path: str  # vllm/... inside the released wheel
    start: int
    end: int
    line: str = ""  # the whole line it appears on (a 0.33.0-only cite must name its version there)

    @property
    def key(self) -> str:
        return f"{self.path}:{self.start}" + (f"-{self.end}" if self.end != self.start else "")


def parse_cite(cite: str) -> tuple[str, int, int]:
    m = FULL_CITE.fullmatch(cite)
    assert m, f"registry cite {cite!r} is not of the form vllm/<path>.py:<line>[-<end>]"
    start = int(m.group(2))
    return m.group(1), start, int(m.group(3) or start)


@cache
def registry() -> dict[str, dict[str, dict]]:
    """{cite: {version: entry}}: one cite may hold at both versions, each checked at its own."""
    data = json.loads(REGISTRY.read_text())
    entries: dict[str, dict[str, dict]] = defaultdict(dict)
    for entry in data["entries"]:
        version = entry.get("version")
        assert version not in entries[entry["cite"]], (
            f"{entry['cite']} is listed twice for vLLM {version} in {rel(REGISTRY)}")
        entries[entry["cite"]][version] = entry
    return dict(entries)


@cache
def registry_basenames() -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for cite in registry():
        path = parse_cite(cite)[0]
        names[path.rsplit("/", 1)[-1]].add(path)
    return names


@cache
def citations_in(path: Path) -> tuple[Cite, ...]:
    found = []
    for no, line in enumerate(path.read_text().splitlines(), 1):
        where = f"{rel(path)}:{no}"
        for m in FULL_CITE.finditer(line):
            start = int(m.group(2))
            found.append(Cite(where, m.group(1), start, int(m.group(3) or start), line))
        for m in SHORT_CITE.finditer(line):
            paths = registry_basenames().get(m.group(1), set())
            start = int(m.group(2))
            if len(paths) > 1:  # ambiguous: the key below names every candidate, so it fails
                found.append(Cite(where, " or ".join(sorted(paths)), start, start, line))
            elif paths:
                found.append(Cite(where, next(iter(paths)), start, int(m.group(3) or start), line))
    return tuple(found)


FIELDS = {"cite", "version", "symbol", "text", "end_text"}


def test_registry_is_well_formed():
    problems = []
    for cite, by_version in registry().items():
        path, start, end = parse_cite(cite)
        for version, entry in by_version.items():
            if version not in VERSIONS:
                problems.append(f"{cite}: \"version\" must be one of {', '.join(VERSIONS)} "
                                f"(the release whose source the line was checked in), got {version!r}")
            if set(entry) - FIELDS:
                problems.append(f"{cite}: unknown fields {sorted(set(entry) - FIELDS)}")
            if not entry.get("symbol") or not entry.get("text", "").strip():
                problems.append(f"{cite}: needs a non-empty symbol and text")
            if end < start or (end == start and "-" in cite.rsplit(":", 1)[1]):
                problems.append(f"{cite}: a range must end after it starts")
            if "end_text" in entry and end == start:
                problems.append(f"{cite}: end_text only makes sense for a range")
    assert not problems, "citations.json is malformed:\n" + "\n".join(problems)


def _uncited(files: tuple[Path, ...]) -> list[str]:
    known = registry()
    bad = []
    for f in files:
        for c in citations_in(f):
            if c.key not in known:
                same_file = sorted(k for k in known if parse_cite(k)[0] == c.path)
                hint = (f"registered lines in that file: {', '.join(k.rsplit(':', 1)[1] for k in same_file)}"
                        if same_file else "no line of that file is registered")
                bad.append(f"{c.where}: {c.key} is not in citations.json ({hint})")
            elif VERSIONS[0] not in known[c.key] and not any(v in c.line for v in known[c.key]):
                bad.append(f"{c.where}: {c.key} is registered only for vLLM {', '.join(known[c.key])}; "
                           "say that version on the line, so a reader opens the right source")
    return bad


def test_every_doc_citation_is_registered():
    bad = _uncited(markdown_files())
    assert not bad, (
        "every vLLM citation in the docs must be listed in "
        f"{rel(REGISTRY)} (check the line against that vLLM version, then add it):\n" + "\n".join(bad))


def test_every_docstring_citation_is_registered():
    bad = _uncited(docstring_files())
    assert not bad, (
        "every `upstream: vllm/...` citation in mini_vllm and the labs must be listed in "
        f"{rel(REGISTRY)} (check the line against that vLLM version, then add it):\n" + "\n".join(bad))


def test_the_docs_cite_vllm_at_all():
    cited = {c.key for f in markdown_files() for c in citations_in(f)}
    assert len(cited) >= 20, f"expected the docs to cite many upstream lines, found {len(cited)}"


def test_both_versions_are_cited():
    versions = {v for by_version in registry().values() for v in by_version}
    assert versions == set(VERSIONS), f"expected entries for {VERSIONS}, found {sorted(versions)}"


def vllm_source_root(version: str) -> Path | None:
    """The directory holding `vllm/` for one version: $VLLM_<X_Y_Z>_SRC, else an installed vllm."""
    if configured := os.environ.get(source_env_var(version)):
        return Path(configured)
    spec = importlib.util.find_spec("vllm")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))).parent
    return root if stamped_version(root) == version else None


@pytest.mark.vllm(reads_source=True)
@pytest.mark.parametrize("version", VERSIONS)
def test_registry_matches_vllm_source(version):
    root = vllm_source_root(version)
    if root is None:
        reason = (f"no vLLM {version} source: set {source_env_var(version)} to an extracted wheel "
                  f"(pip download --no-deps vllm=={version} -d /tmp/w && "
                  f"unzip -q /tmp/w/*.whl 'vllm/*.py' -d /tmp/vllm-{version})")
        if os.environ.get("LAB_REQUIRE_GPU") == "1":
            pytest.fail(reason + ", and LAB_REQUIRE_GPU=1 forbids skipping", pytrace=False)
        pytest.skip(reason)
    stamped = stamped_version(root)
    assert stamped == version, f"{root / 'vllm' / '_version.py'} says {stamped}, expected {version}"
    problems = []
    entries = [(cite, by_version[version]) for cite, by_version in registry().items() if version in by_version]
    assert entries, f"citations.json holds no entry for vLLM {version}"
    for cite, entry in entries:
        path, start, end = parse_cite(cite)
        source = root / path
        if not source.is_file():
            problems.append(f"{cite}: {path} does not exist in vLLM {version}")
            continue
        lines = source.read_text().splitlines()
        if end > len(lines):
            problems.append(f"{cite}: {path} has only {len(lines)} lines")
            continue
        while start < end and not lines[start - 1].strip():  # blank edges of a range
            start += 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        if entry["text"] not in lines[start - 1]:
            problems.append(f"{cite} ({entry['symbol']}): line {start} is {lines[start - 1].strip()!r}, "
                            f"expected it to contain {entry['text']!r}")
        if "end_text" in entry and entry["end_text"] not in lines[end - 1]:
            problems.append(f"{cite} ({entry['symbol']}): line {end} is {lines[end - 1].strip()!r}, "
                            f"expected it to contain {entry['end_text']!r}")
    assert not problems, f"citations.json disagrees with {root / 'vllm'} ({version}):\n" + "\n".join(problems)


# --- links -----------------------------------------------------------------------------------

INLINE_CODE = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
HTML_REF = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)=\"([^\"]+)\"", re.I)
HTML_ANCHOR = re.compile(r"<a\b[^>]*?\b(?:id|name)=\"([^\"]+)\"", re.I)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def _blank_code(line: str) -> str:
    return INLINE_CODE.sub(lambda m: "x" * len(m.group(0)), line)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    prose, _ = split_fences(path.read_text())
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose:
        found.update(HTML_ANCHOR.findall(line))
        if m := HEADING.match(line):
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return frozenset(found)


def links_in(path: Path) -> list[tuple[int, str]]:
    prose, _ = split_fences(path.read_text())
    found = []
    for no, line in prose:
        line = _blank_code(line)
        for pattern in (LINK, HTML_REF):
            found += [(no, m.group(1)) for m in pattern.finditer(line)]
        if m := REF_DEF.match(line):
            found.append((no, m.group(1)))
    return found


def test_every_relative_link_resolves():
    bad = []
    for md in markdown_files():
        for no, target in links_in(md):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            dest = md if not file_part else (
                ROOT / file_part.lstrip("/") if file_part.startswith("/") else md.parent / file_part)
            if not dest.exists():
                bad.append(f"{rel(md)}:{no}: {target} -> no such file {dest.resolve()}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest.resolve()):
                bad.append(f"{rel(md)}:{no}: {target} -> no heading #{anchor} in {rel(dest.resolve())}")
    assert not bad, "broken relative links:\n" + "\n".join(bad)


def test_link_checker_sees_links():
    found = sum(len(links_in(md)) for md in markdown_files())
    assert found >= 20, f"expected the docs to hold many links, the checker found {found}"


# --- commands --------------------------------------------------------------------------------

SHELL_LANGS = {"", "bash", "sh", "shell", "console", "zsh"}
PLACEHOLDER = re.compile(r"<[^<>\s][^<>]*>|\.\.\.|…")
ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
VERBOSITY = re.compile(r"-[qv]+|--(quiet|verbose|collect-only|co)")
PYTEST_VALUE_OPTS = {"-m", "-k", "-p", "-c", "-o", "-W", "--tb", "--durations", "--deselect",
                     "--ignore", "--maxfail", "--rootdir", "--basetemp", "--import-mode"}


@dataclass(frozen=True)
class Command:
    where: str
    env: tuple[tuple[str, str], ...]
    tool: str  # "pytest" or "mini-vllm"
    args: tuple[str, ...]
    named_only: bool = False  # an inline `mini-vllm ladder` in prose names a command, not a run


def _commands_from(text: str, where: str, inline: bool = False) -> list[Command]:
    """The pytest / mini-vllm invocations in one shell snippet (placeholders are skipped)."""
    if PLACEHOLDER.search(text):
        return []
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        return []
    found, segment = [], []
    for token in [*tokens, ";"]:
        if token and set(token) <= set(";&|"):
            env = []
            while segment and ENV.match(segment[0]):
                name, _, value = segment.pop(0).partition("=")
                env.append((name, value))
            named_only = inline and not env and not any(t.startswith("-") for t in segment)
            if segment[:1] == ["pytest"]:
                found.append(Command(where, tuple(env), "pytest", tuple(segment[1:]), named_only))
            elif segment[:3] in (["python", "-m", "pytest"], ["python3", "-m", "pytest"]):
                found.append(Command(where, tuple(env), "pytest", tuple(segment[3:]), named_only))
            elif segment[:1] == ["mini-vllm"]:
                found.append(Command(where, tuple(env), "mini-vllm", tuple(segment[1:]), named_only))
            segment = []
        else:
            segment.append(token)
    return found


@cache
def doc_commands() -> tuple[Command, ...]:
    found = []
    for md in markdown_files():
        prose, blocks = split_fences(md.read_text())
        for start, lang, body in blocks:
            if lang not in SHELL_LANGS:
                continue
            joined, first = "", start
            for offset, line in enumerate(body):
                if not joined:
                    first = start + offset
                line = re.sub(r"^\s*\$\s+", "", line)
                if line.rstrip().endswith("\\"):
                    joined += line.rstrip()[:-1] + " "
                    continue
                found += _commands_from(joined + line, f"{rel(md)}:{first}")
                joined = ""
        for no, line in prose:
            for m in INLINE_CODE.finditer(line):
                found += _commands_from(m.group(2), f"{rel(md)}:{no}", inline=True)
    return tuple(found)


def _pytest_parts(cmd: Command) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(paths, plain flags, (option, value) pairs for options that take a value)."""
    paths, flags, valued, args = [], [], [], list(cmd.args)
    while args:
        arg = args.pop(0)
        if arg in PYTEST_VALUE_OPTS:
            valued.append((arg, args.pop(0) if args else ""))
        elif arg.startswith("-"):
            flags.append(arg)
        else:
            paths.append(arg)
    return paths, flags, valued


@cache
def _root_conftest():
    spec = importlib.util.spec_from_file_location("_docs_root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_show_pytest_and_mini_vllm_commands():
    tools = {c.tool for c in doc_commands()}
    assert tools == {"pytest", "mini-vllm"}, f"expected both kinds of command in the docs, got {tools}"


# Checked by parsing their flags only: subcommands that need torch (and a GPU), and commands that
# write a file (charts: matplotlib makes them slow). Everything else runs for real.
NEEDS = {"bench", "compile", "piecewise"}
OUTPUT_OPTS = ("--out", "--output", "--json", "--png", "--plot", "--results")
WRITES_A_FOLDER = {"release"}  # its positional OUTDIR: parsed here, run by tests/test_grading_release.py


def _unique_mini_vllm_commands() -> list[Command]:
    """One entry per distinct command line; `where` lists every doc line that shows it."""
    seen: dict[tuple, list[Command]] = {}
    for c in doc_commands():
        if c.tool == "mini-vllm":
            seen.setdefault((c.args, c.named_only), []).append(c)
    return [Command(", ".join(c.where for c in group), (), "mini-vllm", args, named_only)
            for (args, named_only), group in seen.items()]


@pytest.mark.parametrize("cmd", _unique_mini_vllm_commands(),
                         ids=lambda c: f"mini-vllm {' '.join(c.args)}{' (named)' if c.named_only else ''}")
def test_every_mini_vllm_command_in_the_docs_runs(cmd, capsys, monkeypatch):
    from mini_vllm.cli import build_parser, main

    if cmd.named_only:  # prose naming a subcommand: it must exist
        choices = next(a.choices for a in build_parser()._actions if a.dest == "command")
        sub = cmd.args[0] if cmd.args else None
        assert sub is None or sub in choices, (
            f"{cmd.where}: the docs name `mini-vllm {sub}`, but the subcommands are {sorted(choices)}")
        return
    args = list(cmd.args)
    writes_file = any(arg in OUTPUT_OPTS for arg in args)
    monkeypatch.chdir(ROOT)  # doc commands are written for the repository root
    sub = next((a for a in args if not a.startswith("-")), None)
    parse_only = (sub in NEEDS and "--from" not in args) or writes_file or sub in WRITES_A_FOLDER  # --from: no GPU needed
    try:
        if parse_only:
            build_parser().parse_args(args)
            return
        rc = main(args)
    except SystemExit as exit_:
        rc = exit_.code or 0
    out = capsys.readouterr()
    assert rc == 0, f"{cmd.where}: `mini-vllm {' '.join(cmd.args)}` exited {rc}:\n{out.err[-2000:]}"


# --- the checkers check themselves ----------------------------------------------------------


@pytest.mark.parametrize("heading, anchor", [
    ("§1 eager: the bill you are trying to cut", "1-eager-the-bill-you-are-trying-to-cut"),
    ("Hitchhiker's notes", "hitchhikers-notes"),
    ("7. @support_torch_compile", "7-support_torch_compile"),
    ("Q2. Walk me through `CUDAGraphWrapper.__call__`.", "q2-walk-me-through-cudagraphwrapper__call__"),
    ("lab-04-graph-vs-eager-real [GPU-REQ]", "lab-04-graph-vs-eager-real-gpu-req"),
    ("Step 8 (the stretch): padding to a ladder", "step-8-the-stretch-padding-to-a-ladder"),
])
def test_slug_matches_githubs_anchors(heading, anchor):
    assert slug(heading) == anchor


def test_citation_patterns():
    line = ("see `vllm/compilation/cuda_graph.py:360-361`, upstream/vllm/config/vllm.py:244, "
            "mini_vllm/cudagraph.py:12 and cuda_graph.py:207")
    full = [m.group(0) for m in FULL_CITE.finditer(line)]
    assert full == ["vllm/compilation/cuda_graph.py:360-361", "vllm/config/vllm.py:244"]
    short = [m.group(0) for m in SHORT_CITE.finditer(line)]
    assert short == ["cuda_graph.py:207"], "a short cite never matches inside a longer path"


def test_command_parser():
    text = ('LAB_IMPL=starter pytest labs/lab-01 -q && mini-vllm ladder --max 512  # a comment\n'
            'pytest <lab> -q')
    cmds = _commands_from(text.splitlines()[0], "x:1") + _commands_from(text.splitlines()[1], "x:2")
    assert [(c.tool, c.env, c.args) for c in cmds] == [
        ("pytest", (("LAB_IMPL", "starter"),), ("labs/lab-01", "-q")),
        ("mini-vllm", (), ("ladder", "--max", "512")),
    ], "placeholders (<lab>) are skipped; && splits; comments are dropped"
    assert _commands_from("mini-vllm ladder", "x:3", inline=True)[0].named_only
    assert not _commands_from("mini-vllm ladder --max 8", "x:4", inline=True)[0].named_only


# --- pytest commands: one background collection, started when the module starts ----------------

COLLECT_TEST = "test_every_pytest_command_in_the_docs_collects"


def _pytest_plan(testpaths: list[str]) -> tuple[list[str], list[str]]:
    """The union of every doc pytest command's paths and flags (verbosity flags dropped)."""
    paths, flags = [], []
    for cmd in doc_commands():
        if cmd.tool == "pytest":
            cmd_paths, cmd_flags, _ = _pytest_parts(cmd)
            paths += cmd_paths or testpaths
            flags += [f for f in cmd_flags if not VERBOSITY.fullmatch(f)]
    return list(dict.fromkeys(paths)), list(dict.fromkeys(flags))


@pytest.fixture(scope="module", autouse=True)
def _background_collection(request):
    """Collect the docs' pytest commands in a subprocess while the other tests here run."""
    if not any(item.name == COLLECT_TEST for item in request.session.items):
        yield None
        return
    paths, flags = _pytest_plan([str(t) for t in request.config.getini("testpaths")])
    paths = [q for q in paths if (ROOT / q.split("::")[0]).exists()]  # the test reports the rest
    env = {k: v for k, v in os.environ.items() if k not in ("LAB_IMPL", "LAB_RESULTS_JSON")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *flags, *paths],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def test_every_pytest_command_in_the_docs_collects(request, monkeypatch, _background_collection):
    markers = {line.split(":")[0].split("(")[0].strip() for line in request.config.getini("markers")}
    markers |= {"skip", "skipif", "xfail", "parametrize", "usefixtures", "filterwarnings"}
    monkeypatch.chdir(ROOT)
    problems = []
    for cmd in (c for c in doc_commands() if c.tool == "pytest"):
        for name, value in cmd.env:
            if name == "LAB_IMPL" and not value.startswith(("~", "/")):
                try:
                    _root_conftest().lab_impl_choice(value)
                except pytest.UsageError as err:
                    problems.append(f"{cmd.where}: {err}")
        for option, value in _pytest_parts(cmd)[2]:
            unknown = set(re.findall(r"[A-Za-z_]\w*", value)) - {"and", "or", "not"} - markers
            if option == "-m" and unknown:
                problems.append(f"{cmd.where}: -m {value!r} names unregistered markers {sorted(unknown)}")
        for path in _pytest_parts(cmd)[0]:
            if not (ROOT / path.split("::")[0]).exists():
                problems.append(f"{cmd.where}: runs pytest on {path}, which does not exist")
    assert not problems, "\n".join(problems)

    out, err = _background_collection.communicate(timeout=120)
    assert _background_collection.returncode == 0, (
        f"collecting the docs' pytest commands failed (rc {_background_collection.returncode}):\n"
        f"{out[-3000:]}\n{err[-2000:]}")
    ids = [line for line in out.splitlines() if "::" in line]
    for path in _pytest_plan([str(t) for t in request.config.getini("testpaths")])[0]:
        stem = path.rstrip("/")
        assert any(i == stem or i.startswith((stem + "::", stem + "/")) for i in ids), (
            f"a doc runs pytest on {path}, which collects no test")


# --- facts the docs state about upstream, held by a test (issue 26) ---------------------------

WHAT_CHANGED = PHASE / "03-what-changed-in-0.33.0.md"
# The 0.33.0 page's profiling round captures this many FULL graphs (the largest ones); the
# vllm-marked test below holds it against 0.33.0's own constant.
PROFILED_FULL_GRAPHS = 2
BAR = re.compile(r"Capturing CUDA graphs \((\w+)\): .*\| (\d+)/(\d+)")


def _section(path: Path, heading_prefix: str) -> str:
    """The text of one `## ` section, from its heading to the next `## `."""
    text = path.read_text()
    start = text.index("\n## " + heading_prefix)
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def _source_or_skip(version: str) -> Path:
    root = vllm_source_root(version)
    if root is None:
        reason = f"no vLLM {version} source: set {source_env_var(version)} (see test_registry_matches_vllm_source)"
        if os.environ.get("LAB_REQUIRE_GPU") == "1":
            pytest.fail(reason + ", and LAB_REQUIRE_GPU=1 forbids skipping", pytrace=False)
        pytest.skip(reason)
    return root


def _module_constant(source: Path, name: str):
    """A module-level constant of an upstream file, read with ast: vllm is never imported."""
    import ast

    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "frozenset":
                value = value.args[0]
            return ast.literal_eval(value)
    raise AssertionError(f"{source} defines no module-level {name}")


def test_the_0_33_0_page_claims_no_completeness():
    text = WHAT_CHANGED.read_text()
    for claim in ("every difference", "all the differences", "complete list of"):
        assert claim not in text, (
            f"{rel(WHAT_CHANGED)} says {claim!r}, but it covers the differences this phase meets, "
            "not every change 0.33.0 made")


@pytest.mark.parametrize("topic, heading", [
    ("V2's profile-by-capture round", "8. V2 profiles graph memory by capturing"),
    ("V2's manager, warm-up and output buffer", "9. V2's capture, in detail"),
    ("V2 with stock torch.compile", "10. Stock torch.compile on V2"),
    ("breakable CUDA graphs", "11. Breakable CUDA graphs"),
    ("the ladder under speculative decoding", "12. The ladder under speculative decoding"),
    ("graph-memory profiling on ROCm and XPU", "13. Graph-memory profiling on ROCm and XPU"),
    ("encoder graphs and V2's Skipping warning", "14. Multimodal encoder graphs"),
    ("sleep_mode_offload_cudagraph", "15. Sleep mode can offload the graph pool"),
    ("engine snapshots", "16. Engine snapshots"),
])
def test_the_0_33_0_page_teaches_each_topic_in_the_course_voice(topic, heading):
    text = WHAT_CHANGED.read_text()
    assert f"\n## {heading}" in text, f"{rel(WHAT_CHANGED)} has no section on {topic} (## {heading})"
    section = _section(WHAT_CHANGED, heading)
    missing = [part for part in ("**When.**", "**In the log.**", "**Lab:**") if part not in section]
    assert not missing, (
        f"the section on {topic} must say when it switches on, what the log shows and which lab "
        f"it changes; it lacks {missing}")


def test_the_profiling_round_shown_matches_the_real_capture():
    from mini_vllm.capture_sizes import capture_sizes_for
    from mini_vllm.cudagraph_dispatcher import capture_log

    section = _section(WHAT_CHANGED, "8. V2 profiles graph memory by capturing")
    _, blocks = split_fences(section)
    bars = [(m.group(1), int(m.group(2)), int(m.group(3)))
            for _, _, body in blocks for line in body if (m := BAR.search(line))]
    real = [(m.group(1), int(m.group(2))) for line in
            capture_log("FULL_AND_PIECEWISE", capture_sizes_for(256, 8192), 256, runner="v2")
            if (m := BAR.search(line))]
    counts = dict(real)
    profiling = [(mode, min(PROFILED_FULL_GRAPHS, n) if mode == "FULL" else n) for mode, n in real]
    assert [(mode, n) for mode, n, _ in bars] == profiling + real, (
        f"the page's example log should show the profiling round {profiling} (every PIECEWISE "
        f"graph, the {PROFILED_FULL_GRAPHS} largest FULL graphs) and then the real capture {real}; "
        f"it shows {bars}")
    assert all(n == total for _, n, total in bars), "a finished bar reads n/n"
    assert counts == {"PIECEWISE": 51, "FULL": 35}, f"max_num_seqs=256's V2 bars changed: {counts}"


@pytest.mark.vllm(reads_source=True)
def test_upstream_profiles_that_many_full_graphs():
    root = _source_or_skip("0.33.0")
    source = root / "vllm/v1/worker/gpu/cudagraph_utils.py"
    samples = _module_constant(source, "_FULL_GRAPH_PROFILING_SAMPLES")
    assert samples == PROFILED_FULL_GRAPHS, (
        f"0.33.0's V2 profiles {samples} FULL graphs, the docs say {PROFILED_FULL_GRAPHS}")


@pytest.mark.vllm(reads_source=True)
def test_the_breakable_architectures_the_docs_name_default_to_breakable_graphs():
    root = _source_or_skip("0.33.0")
    upstream = _module_constant(root / "vllm/config/vllm.py", "DEFAULT_BREAKABLE_CUDAGRAPH_ARCHITECTURES")
    section = _section(WHAT_CHANGED, "11. Breakable CUDA graphs")
    named = set(re.findall(r"`([A-Z]\w*(?:ForCausalLM|ForConditionalGeneration|MTPModel|MTP))`", section))
    assert len(named) >= 5, f"expected the section to name the architectures, found {sorted(named)}"
    assert named <= upstream, (
        f"the docs name {sorted(named - upstream)} as defaulting to breakable graphs, "
        "but 0.33.0's DEFAULT_BREAKABLE_CUDAGRAPH_ARCHITECTURES does not hold them")


@pytest.mark.vllm(reads_source=True)
@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name, what", [
    ("set_cudagraph_capturing_enabled", "closes the capture window"),
    ("cudagraph_num_of_warmups", "reads the warm-up count"),
])
def test_v2_never_does_what_v1_does(version, name, what):
    root = _source_or_skip(version)
    v2 = sorted(str(f.relative_to(root)) for f in (root / "vllm/v1/worker/gpu").rglob("*.py")
                if name in f.read_text())
    assert not v2, f"the docs say Model Runner V2 never {what}, but at {version} {v2} mention {name}"
    v1 = root / "vllm/v1/worker/gpu_model_runner.py"
    assert name in v1.read_text(), (
        f"V1 ({v1}) no longer mentions {name}: the docs' contrast with V1 needs rereading")
