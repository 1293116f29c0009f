package main

import (
	"context"
	"errors"
)

// TODO(owner): replace this stub.
func runEval(ctx context.Context, e *env, args []string) error {
	return errors.New("eval is not built yet")
}
