"""One module per page; each exposes `render(ctx)`. (Not named `pages`: Streamlit would list that folder itself.)"""
