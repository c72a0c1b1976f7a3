"""Text classifier and evaluation tools behind the suggestion router (pure Python, no database)."""
