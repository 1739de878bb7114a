"""The domain of the outcomes dashboard, importable without Streamlit.

Every number the app, the board pack and the public site show is computed
here, so each can be tested and reproduced from the command line.
"""
