"""What each command of `secondment` does between parsing its options and printing its result."""
