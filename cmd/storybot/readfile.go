package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"runtime/debug"
	"syscall"
)

// openFile opens the regular file name for reading and returns its size,
// refusing at once what is not one (a folder, a named pipe, a device, a
// socket) and a file over limit bytes. Its errors start with name and say
// what to do.
func openFile(name string, limit int64) (*os.File, int64, error) {
	fi, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, fmt.Errorf("%s: no such file", name)
	case err != nil:
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkRegular(name, fi, limit); err != nil {
		return nil, 0, err
	}
	// O_NONBLOCK: should a named pipe take the file's place after the stat,
	// opening it does not wait for a writer; the check below refuses it.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	if fi, err = f.Stat(); err == nil {
		err = checkRegular(name, fi, limit)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// checkRegular refuses what is not a regular file of at most limit bytes.
func checkRegular(name string, fi fs.FileInfo, limit int64) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return fmt.Errorf("%s: is a folder; give the files in it", name)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%s: is a named pipe (FIFO), not a file; storybot reads only regular files (save what it carries to a file first)", name)
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return fmt.Errorf("%s: is a device, not a file; storybot reads only regular files", name)
	case !m.IsRegular():
		return fmt.Errorf("%s: is not a regular file (%s); storybot reads only regular files", name, m.Type())
	case fi.Size() > limit:
		return tooLarge(name, limit)
	}
	return nil
}

func tooLarge(name string, limit int64) error {
	return fmt.Errorf("%s: is more than the %d MB storybot ingests in one file; split it", name, limit>>20)
}

var errTooLarge = errors.New("too large")

// capped reads from r and fails with errTooLarge as soon as more than
// left bytes have come: a file that grows while it is read, or anything
// whose size a stat does not tell, never takes more than the cap.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if c.left -= int64(n); c.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// boundMemory sets the Go runtime's soft memory limit to a few times the
// size of the files an ingest reads, so the heap does not grow to twice
// what it holds before it is collected (a 150 MB book then peaks under
// 450 MB), and returns the function that restores the limit. A limit the
// user set (GOMEMLIMIT) is left as it is.
func boundMemory(files []string) (restore func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	var total int64
	for _, name := range files {
		if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() {
			total += min(fi.Size(), maxIngestBytes)
		}
	}
	// What a parse holds at its peak is under twice its input (the text,
	// and its paragraphs and passages); the rest is the index's.
	prev := debug.SetMemoryLimit(2*total + memorySlack)
	return func() { debug.SetMemoryLimit(prev) }
}

// memorySlack is what boundMemory allows beyond twice the input.
const memorySlack = 64 << 20
