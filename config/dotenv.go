package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// DotEnv is what a .env file holds: the variables of the lines that could be
// read, and a problem for each line that could not.
type DotEnv struct {
	Vars     map[string]string
	Problems []DotEnvProblem
}

// DotEnvProblem is a line of a .env file that was ignored. It never holds
// the line's value, which may be a secret: only the line number, the name
// (when the line gives a well-formed one) and what is wrong.
type DotEnvProblem struct {
	File   string // as given to ReadDotEnv, e.g. ".env"
	Line   int    // from 1
	Name   string // the variable, or empty when the line names none
	Reason string
}

func (p DotEnvProblem) Error() string {
	where := fmt.Sprintf("%s line %d", p.File, p.Line)
	if p.Name != "" {
		where += " (" + p.Name + ")"
	}
	return where + ": " + p.Reason + "; the line is ignored"
}

// maxDotEnv bounds the file: a .env is a few dozen lines, anything this large
// is the wrong file.
const maxDotEnv = 1 << 20

// ReadDotEnv reads the .env file at path (see ParseDotEnv). A missing file
// is an empty DotEnv. The error, for a file that cannot be read at all, names
// the file and never quotes its contents.
func ReadDotEnv(path string) (DotEnv, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return DotEnv{Vars: map[string]string{}}, nil
	}
	if err != nil {
		return DotEnv{}, err
	}
	defer f.Close()
	return ParseDotEnv(f, path)
}

// ParseDotEnv reads a .env file from r; name is used in problems. One
// variable per line, as KEY=value: blank lines and lines starting with # are
// skipped, "export " before the name is allowed, the value is trimmed and an
// unquoted value ends at " #". A value in double quotes understands \n, \t,
// \r, \" and \\; in single quotes it is taken as written; either way the
// quote closes on the same line. Nothing is expanded ($VAR stays as
// written). A UTF-8 byte-order mark at the start is skipped; CRLF line ends
// are fine. A later line for the same name wins.
//
// A line that breaks these rules is a DotEnvProblem and the other lines still
// load. The error is for a file that cannot be read as text at all (too
// large, UTF-16), which is refused as a whole.
func ParseDotEnv(r io.Reader, name string) (DotEnv, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDotEnv+1))
	if err != nil {
		return DotEnv{}, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxDotEnv {
		return DotEnv{}, fmt.Errorf("%s is larger than 1 MiB; it is not a .env file", name)
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return DotEnv{}, fmt.Errorf("%s is UTF-16 text; save it as UTF-8", name)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))

	d := DotEnv{Vars: map[string]string{}}
	for i, line := range strings.Split(string(data), "\n") {
		key, val, reason := parseLine(strings.TrimSuffix(line, "\r"))
		switch {
		case reason != "":
			d.Problems = append(d.Problems, DotEnvProblem{File: name, Line: i + 1, Name: key, Reason: reason})
		case key != "":
			d.Vars[key] = val
		}
	}
	return d, nil
}

// EnvFile names the .env file read beneath the environment. It is read from
// the real environment only (a .env cannot name itself); "" reads none.
const EnvFile = "STORYBOT_ENV_FILE"

// ProcessEnv is the process's environment as storybot reads it: lookup
// (os.LookupEnv), with EnvFile naming the working folder's .env unless the
// environment sets it.
func ProcessEnv(lookup func(string) (string, bool)) func(string) string {
	return func(key string) string {
		v, ok := lookup(key)
		if !ok && key == EnvFile {
			return ".env"
		}
		return v
	}
}

// Under returns getenv with d's variables beneath it: a variable set (not
// empty) in getenv wins over the file.
func (d DotEnv) Under(getenv func(string) string) func(string) string {
	return func(key string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return d.Vars[key]
	}
}

// parseLine reads one line. It returns an empty key for a line with no
// variable (blank, comment), or a reason the line cannot be read, with the
// key when the line names one well-formed. Reasons never quote the line.
func parseLine(line string) (key, val, reason string) {
	s := strings.TrimLeft(line, " \t")
	if s == "" || s[0] == '#' {
		return "", "", ""
	}
	if rest, ok := strings.CutPrefix(s, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		s = strings.TrimLeft(rest, " \t")
	}
	name, rest, found := strings.Cut(s, "=")
	name = strings.TrimRight(name, " \t")
	if !validName(name) {
		if found {
			return "", "", "the text before = is not a variable name (letters, digits and _)"
		}
		return "", "", "not a KEY=value line"
	}
	if !found {
		// A lone word may be a secret pasted on a line of its own: name it
		// only when it is one of storybot's variables.
		if !slices.Contains(Keys, name) {
			return "", "", "not a KEY=value line"
		}
		return name, "", "no = after the name (write " + name + "= for an empty value)"
	}
	val, reason = parseValue(strings.TrimLeft(rest, " \t"))
	if reason != "" {
		return name, "", reason
	}
	return name, val, ""
}

// parseValue reads what follows the = sign, leading blanks removed.
func parseValue(s string) (val, reason string) {
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		if i := strings.Index(s, " #"); i >= 0 {
			s = s[:i]
		}
		if i := strings.Index(s, "\t#"); i >= 0 {
			s = s[:i]
		}
		return strings.TrimRight(s, " \t"), ""
	}
	q := s[0]
	var b strings.Builder
	i := 1
	for ; i < len(s) && s[i] != q; i++ {
		if q == '"' && s[i] == '\\' && i+1 < len(s) {
			i++
			b.WriteString(unescape(s[i]))
			continue
		}
		b.WriteByte(s[i])
	}
	if i == len(s) {
		return "", fmt.Sprintf("the %s opened after = is not closed on the same line", quoteName(q))
	}
	if rest := strings.TrimLeft(s[i+1:], " \t"); rest != "" && rest[0] != '#' {
		return "", fmt.Sprintf("text follows the closing %s", quoteName(q))
	}
	return b.String(), ""
}

func quoteName(q byte) string {
	if q == '"' {
		return "double quote"
	}
	return "single quote"
}

// unescape is what a backslash and c stand for in double quotes.
func unescape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 'r':
		return "\r"
	case '"', '\\':
		return string(c)
	}
	return "\\" + string(c)
}

// validName reports whether s is a variable name: a letter or _, then
// letters, digits and _.
func validName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
