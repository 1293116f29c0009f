package main

import (
	"context"
	"errors"
)

// TODO(owner): replace this stub.
func runAsk(ctx context.Context, e *env, args []string) error {
	return errors.New("ask is not built yet")
}
