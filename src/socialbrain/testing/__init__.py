"""Real test doubles other parts' tests start (servers on 127.0.0.1), shipped with the package."""
