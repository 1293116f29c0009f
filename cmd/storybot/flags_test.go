package main

import (
	"errors"
	"testing"
)

func TestDurationFlagsHaveRanges(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--grace", "0s"}, "--grace: 0s is not from 100ms to 5m"},
		{[]string{"serve", "--grace", "2562047h"}, "--grace: 2562047h is not from 100ms to 5m"},
		{[]string{"doctor", "--timeout", "1ns"}, "--timeout: 1ns is not from 100ms to 5m"},
		{[]string{"health", "--timeout", "1h"}, "--timeout: 1h is not from 100ms to 5m"},
	}
	for _, tt := range tests {
		r := runCLI(t, testEnv(t), tt.args...)
		if !errors.As(r.err, new(usageError)) || r.err.Error() != tt.want {
			t.Errorf("%q: %v, want the usage error %q", tt.args, r.err, tt.want)
		}
	}
}
