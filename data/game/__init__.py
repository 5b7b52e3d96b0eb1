"""The guessing game: its rules, its Redis score store, the Redis connection and embedded Redis."""
