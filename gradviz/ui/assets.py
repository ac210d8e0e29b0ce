"""The app's own assets (gradviz/assets/), read once per process: the router draws them on every visit, so a
visit pays no file read, and no favicon registered with Streamlit's media manager (a data: URL is sent as
it is; a path would be read, hashed and registered again for every session)."""

from __future__ import annotations

import base64
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "assets"
# Global CSS: the phone layout, focus rings, the wide/narrow chart variants (gradviz/ui/charts.py)
CSS = "<style>" + (FOLDER / "app.css").read_text(encoding="utf-8") + "</style>"
# The equation fitter and the keyboard helpers, run in the page (st.html with unsafe_allow_javascript)
SCRIPT = "<script>" + (FOLDER / "app.js").read_text(encoding="utf-8") + "</script>"
# The tab's icon, served by this app: a ":material/..." icon would be fetched from fonts.gstatic.com
FAVICON = "data:image/png;base64," + base64.b64encode((FOLDER / "favicon.png").read_bytes()).decode("ascii")
