"""The docs stay true: docs/cli.md is the current --help of every command, every setting is in README.md.

Run `make docs` (this file as a script) to regenerate docs/cli.md after changing the CLI.
"""

from pathlib import Path

import click
from click.testing import CliRunner

from dutylist import config
from dutylist.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLI_DOC = ROOT / "docs" / "cli.md"


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """[] for the top level, then every command and every group's subcommands, in name order."""
    paths = [list(prefix)]
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
        else:
            paths.append([*prefix, name])
    return paths


def render_cli_doc() -> str:
    runner = CliRunner()
    parts = [
        "# dutylist CLI reference",
        "",
        "Generated from `--help` by `make docs`; do not edit by hand.",
        "",
    ]
    for args in _command_paths(main):
        result = runner.invoke(main, [*args, "--help"], prog_name="dutylist", terminal_width=110)
        parts += [f"## dutylist {' '.join(args)}".rstrip(), "", "```", result.output.rstrip(), "```", ""]
    return "\n".join(parts)


def test_cli_reference_is_current():
    assert CLI_DOC.read_text(encoding="utf-8") == render_cli_doc(), "docs/cli.md is stale: run `make docs`"


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        assert f"`{setting.env}`" in readme, f"README.md does not document {setting.env}"


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make demo") < readme.index("dutylist extract")
    assert "make test" in readme


if __name__ == "__main__":
    CLI_DOC.write_text(render_cli_doc(), encoding="utf-8")
    print(f"wrote {CLI_DOC}")
