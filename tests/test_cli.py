"""The planner command: check-data's summary and its problem list."""
from __future__ import annotations

from planner.main import main


def test_check_data_summary(runner):
    result = runner.invoke(main, ["check-data"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    assert "places:" in result.output and "graph edges:" in result.output and "metro" in result.output


def test_check_data_lists_problems_and_fails(runner, data_dir):
    path = data_dir / "network.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("walk_speed_m_s:", "walk_speed_m_s: -1 #"),
                    encoding="utf-8")
    result = runner.invoke(main, ["check-data", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "network.yaml:" in result.output and "walk_speed_m_s" in result.output


def test_serve_help_names_host_and_port(runner):
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--host" in result.output and "--port" in result.output
