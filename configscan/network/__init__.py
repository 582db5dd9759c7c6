"""The sharing network beside the checks: who can search each agency's data, by which path and setting."""
