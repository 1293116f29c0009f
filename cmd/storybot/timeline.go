package main

import (
	"context"
	"errors"
)

// TODO(owner): replace this stub.
func runTimeline(ctx context.Context, e *env, args []string) error {
	return errors.New("timeline is not built yet")
}
