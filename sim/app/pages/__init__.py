"""The app's page scripts: each is run by ``st.navigation`` on every rerun, never imported."""
