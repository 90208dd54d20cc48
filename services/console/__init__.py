"""The back-office web console: staff sign in and decide what the CLI decides."""
