"""Small leaves every layer may use: clock times, input problems, random streams, plain values for JSON."""
