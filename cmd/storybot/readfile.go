package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// readFile reads the regular file name whole, refusing at once what is not
// one (a folder, a named pipe, a device, a socket) and anything over limit
// bytes, which is checked while reading too, so a file that grows, or
// anything whose size a stat does not tell, never takes more than limit
// bytes of memory. Its errors start with name and say what to do.
func readFile(name string, limit int64) ([]byte, error) {
	fi, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file", name)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkRegular(name, fi, limit); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should a named pipe take the file's place after the stat,
	// opening it does not wait for a writer; the check below refuses it.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkRegular(name, fi, limit); err != nil {
		return nil, err
	}
	data, err := readAtMost(f, fi.Size(), limit)
	if errors.Is(err, errTooLarge) {
		return nil, tooLarge(name, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
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

// readAtMost reads r to its end into one buffer sized for the size r is
// expected to have, and returns errTooLarge as soon as it has read more
// than limit bytes.
func readAtMost(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(max(size, 0), limit)+512)
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // let append grow it
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
