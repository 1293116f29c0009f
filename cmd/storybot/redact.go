package main

import (
	"cmp"
	"io"
	"slices"
	"strings"
)

// redactor hides secrets in what storybot prints: whatever a server echoes
// back or a library puts in an error, a token or key never reaches the
// terminal or the log.
type redactor struct {
	r *strings.Replacer // nil when there is nothing to hide
}

// redacted is what a secret is shown as.
const redacted = "[redacted]"

func newRedactor(secrets []string) redactor {
	if len(secrets) == 0 {
		return redactor{}
	}
	// Longest first, so a secret holding another is hidden whole.
	secrets = slices.SortedFunc(slices.Values(secrets), func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, redacted)
	}
	return redactor{strings.NewReplacer(pairs...)}
}

// writer returns w with the secrets hidden. Each Write is redacted on its
// own: storybot's writers (fmt, slog, the progress bar) write a line or a
// whole message at a time.
func (h redactor) writer(w io.Writer) io.Writer {
	if h.r == nil {
		return w
	}
	return redactingWriter{w: w, r: h.r}
}

// error returns err with the secrets hidden from its text; errors.Is and
// errors.As still see through it.
func (h redactor) error(err error) error {
	if h.r == nil || err == nil {
		return err
	}
	return redactedError{err: err, r: h.r}
}

type redactingWriter struct {
	w io.Writer
	r *strings.Replacer
}

func (w redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.r.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Fd is the file descriptor beneath, so that a terminal is still seen as
// one; ^uintptr(0), which is no descriptor, when w writes to no file.
func (w redactingWriter) Fd() uintptr {
	if f, ok := w.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

type redactedError struct {
	err error
	r   *strings.Replacer
}

func (e redactedError) Error() string { return e.r.Replace(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }
