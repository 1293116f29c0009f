package main

import (
	"context"
	"fmt"
	"runtime"
)

// version is stamped at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

// runVersion prints storybot's version and the Go version it was built with.
func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "version")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments, got %q", fs.Args())
	}
	fmt.Fprintln(e.stdout, versionLine())
	return nil
}

// versionLine says which storybot this is, e.g. "storybot v1.2.0 (go1.26.8)".
func versionLine() string { return fmt.Sprintf("storybot %s (%s)", version, runtime.Version()) }
