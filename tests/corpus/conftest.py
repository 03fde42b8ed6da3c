"""Print the corpus size at the end of the run (the issue asks to see it)."""

from tests.corpus.cases import CASES


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"corpus: {len(CASES)} cases of bad or tricky input")
