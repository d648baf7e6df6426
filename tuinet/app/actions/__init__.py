"""The App's actions, grouped by kind; each changes the session and asks for a publish (never draws)."""
