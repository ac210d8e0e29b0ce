"""The class poll, without Streamlit: class codes and instructor keys (codes.py), storage over SQLAlchemy
on SQLite or PostgreSQL (store.py), the histogram's chart (charts.py). gradviz/ui/poll.py draws it."""
