"""The script that `streamlit run` executes (`mlops-maturity workshop` starts it); the app is app/workshop/shell.py."""

from app.workshop.shell import run

run()
