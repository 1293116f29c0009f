package main

import (
	"context"
	"errors"
)

// TODO(owner): replace this stub.
func runServe(ctx context.Context, e *env, args []string) error {
	return errors.New("serve is not built yet")
}
