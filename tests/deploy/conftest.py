"""The deploy recipe's tests need nginx: they skip without it locally and FAIL when CI is set."""


def pytest_configure(config):
    config.addinivalue_line("markers", "deploy: starts deploy/run.sh (nginx in front of streamlit processes)")
