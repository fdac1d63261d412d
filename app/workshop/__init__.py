"""The workshop UI: a Streamlit app in which a consultant and the client's team answer the assessment together."""
