package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
)

func TestRedactor(t *testing.T) {
	h := newRedactor([]string{"sk-secret-key", "Bot MTE.token", "MTE.token"})
	var buf bytes.Buffer
	w := h.writer(&buf)
	fmt.Fprintf(w, "key sk-secret-key, header %q, token MTE.token.\n", "Bot MTE.token")
	if got, want := buf.String(), `key [redacted], header "[redacted]", token [redacted].`+"\n"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	if n, err := w.Write([]byte("sk-secret-key")); n != len("sk-secret-key") || err != nil {
		t.Errorf("Write = %d, %v; want the length given, so callers see no short write", n, err)
	}

	err := h.error(fmt.Errorf("wrapped: %w", usageError{"bad sk-secret-key"}))
	if err.Error() != "wrapped: bad [redacted]" || !errors.As(err, new(usageError)) {
		t.Errorf("error = %q (usage error: %v), want the secret hidden and the usage error kept", err, errors.As(err, new(usageError)))
	}
	if h.error(nil) != nil {
		t.Error("error(nil) is not nil")
	}

	// A terminal is still a terminal once wrapped; a buffer is no file.
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fd := h.writer(f).(interface{ Fd() uintptr }).Fd(); fd != f.Fd() {
		t.Errorf("Fd = %d, want the file's %d", fd, f.Fd())
	}
	if fd := w.(interface{ Fd() uintptr }).Fd(); fd != ^uintptr(0) {
		t.Errorf("Fd of a buffer = %d, want ^uintptr(0)", fd)
	}

	none := newRedactor(nil)
	if none.writer(&buf) != &buf {
		t.Error("with no secrets, writer wraps anyway")
	}
}
