"""The racy fixture page (tests/bench/test_classroom_server.py): `?name=<thing>&class=<sessions at once>`."""

import registry
import streamlit as st

st.title("Racy")
name = st.query_params.get("name", "thing")
class_size = int(st.query_params.get("class", "1"))
registry.ensure_registered(name, class_size)
st.write(f"{name} is registered")
