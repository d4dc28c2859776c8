"""Python tests, grouped like the code (tests/*.rs are cargo's)."""
