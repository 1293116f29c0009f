package main

import (
	"os"
	"testing"
)

// TestMain lets a test run this test binary as storybot itself: with
// STORYBOT_TEST_MAIN=1 in its environment it runs main, so the test sees
// everything the real process writes (libraries' own logs included) and how
// it exits.
func TestMain(m *testing.M) {
	if os.Getenv("STORYBOT_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
