"""What `mlops-maturity workshop` serves: the workshop script (main.py) as a Streamlit app, behind app/workshop/
guard.py's middleware on Streamlit's HTTP endpoints. `streamlit run` finds `app` here and serves it."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from app.workshop import warm
from app.workshop.guard import Guard

warm.at_server_start()  # before the first page: its imports and the scoring of the latest workshops
app = st.App(Path(__file__).with_name("main.py"), middleware=[Middleware(Guard)])
