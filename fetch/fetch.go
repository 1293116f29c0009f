// Package fetch downloads one document over HTTP or HTTPS for ingest: a web
// page, a Markdown file or plain text, bounded in time, size and redirects,
// converted to UTF-8, with the format and a file name to parse it by. It
// knows nothing of parsing; knowledge.Parse reads what it returns.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Defaults for Options left zero.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 64 << 20
	DefaultMaxRedirects = 5
)

// Options bound one download.
type Options struct {
	// Timeout bounds the whole download, redirects and body included.
	Timeout time.Duration
	// MaxBytes caps the body, counted as it is read.
	MaxBytes int64
	// MaxRedirects is how many redirects are followed.
	MaxRedirects int
	// UserAgent names the client to servers, e.g. "storybot/v1.2 (+https://…)".
	UserAgent string
	// Client makes the requests; nil is a new http.Client. Its
	// CheckRedirect and Timeout are replaced.
	Client *http.Client
}

// Document is what a URL gave.
type Document struct {
	// URL is the address the document came from, after redirects.
	URL string
	// Name is a file name for it: the last part of the URL's path (or its
	// host), with the extension of its format (.html, .md or .txt), which
	// picks how knowledge.Parse reads it.
	Name string
	// Body is the document, converted to UTF-8 when the server or the page
	// names another encoding.
	Body []byte
}

// Error is a download that failed. Its Error() is one sentence for the
// user, naming the URL; Err, when set, is the cause.
type Error struct {
	URL string
	Msg string
	Err error
}

func (e *Error) Error() string { return e.URL + ": " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// IsURL reports whether s is meant as a web address rather than a file
// name: it has a scheme, such as https://.
func IsURL(s string) bool {
	i := strings.Index(s, "://")
	return i > 0 && !strings.ContainsAny(s[:i], "/\\.")
}

// Get downloads the document at rawURL. It returns an *Error for an
// address that is not http(s), an answer other than 200, too many
// redirects, a body over MaxBytes, a type that is not HTML, Markdown or
// plain text, or no complete answer within Timeout; ctx cancels it.
func Get(ctx context.Context, rawURL string, opt Options) (Document, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Document{}, &Error{URL: rawURL, Msg: "is not a web address (e.g. https://example.com/story.html)", Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Document{}, &Error{URL: rawURL, Msg: "only http:// and https:// addresses can be fetched"}
	}
	opt = opt.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()

	client := http.Client{}
	if opt.Client != nil {
		client = *opt.Client
	}
	client.Timeout = 0 // ctx bounds it
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > opt.MaxRedirects {
			return errTooManyRedirects
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("%w %s", errBadRedirect, req.URL.Redacted())
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Document{}, &Error{URL: rawURL, Msg: "is not a web address", Err: err}
	}
	req.Header.Set("User-Agent", opt.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8")

	resp, err := client.Do(req)
	if err != nil {
		return Document{}, requestError(ctx, rawURL, opt, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Document{}, &Error{URL: rawURL, Msg: "the server answered " + resp.Status}
	}
	final := resp.Request.URL
	ext, err := extension(resp.Header.Get("Content-Type"), final.Path)
	if err != nil {
		return Document{}, &Error{URL: rawURL, Msg: err.Error()}
	}
	body, err := readBody(resp, opt.MaxBytes)
	if err != nil {
		return Document{}, bodyError(ctx, rawURL, opt, err)
	}
	if ext == "" { // no type given: what the body looks like
		if ext, err = extension(http.DetectContentType(body), final.Path); err != nil || ext == "" {
			return Document{}, &Error{URL: rawURL, Msg: "the server did not say what it sent, and it does not look like a web page or text"}
		}
	}
	if body, err = toUTF8(body, resp.Header.Get("Content-Type"), ext); err != nil {
		return Document{}, &Error{URL: rawURL, Msg: "its text could not be read in the encoding it names", Err: err}
	}
	return Document{URL: final.String(), Name: fileName(u) + ext, Body: body}, nil
}

var (
	errTooManyRedirects = errors.New("too many redirects")
	errBadRedirect      = errors.New("redirected to")
	errTooBig           = errors.New("too big")
)

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = "storybot"
	}
	return o
}

// requestError words a failed request for the user.
func requestError(ctx context.Context, rawURL string, opt Options, err error) error {
	switch {
	case errors.Is(err, errTooManyRedirects):
		return &Error{URL: rawURL, Msg: fmt.Sprintf("more than %d redirects (a redirect loop?)", opt.MaxRedirects), Err: err}
	case errors.Is(err, errBadRedirect):
		var ue *url.Error
		msg := "redirected to an address that is not http(s)"
		if errors.As(err, &ue) && ue.Err != nil {
			msg = ue.Err.Error() + ", which is not http(s)"
		}
		return &Error{URL: rawURL, Msg: msg, Err: err}
	}
	return bodyError(ctx, rawURL, opt, err)
}

// bodyError words a failure while the answer was awaited or read.
func bodyError(ctx context.Context, rawURL string, opt Options, err error) error {
	switch {
	case errors.Is(err, errTooBig):
		return &Error{URL: rawURL, Msg: fmt.Sprintf("more than the %d MB storybot downloads for one document", opt.MaxBytes>>20), Err: err}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{URL: rawURL, Msg: fmt.Sprintf("no complete answer within %s", opt.Timeout), Err: err}
	case ctx.Err() != nil:
		return &Error{URL: rawURL, Msg: "the download was cancelled", Err: err}
	}
	return &Error{URL: rawURL, Msg: "could not be downloaded (" + err.Error() + ")", Err: err}
}

// readBody reads the body, failing with errTooBig past max bytes, as soon
// as they arrive.
func readBody(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, errTooBig
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > max {
		return nil, errTooBig
	}
	return body, nil
}

// extension returns the file extension for a media type: ".html",
// ".md" or ".txt"; "" when no type is given; an error for any other type.
// Plain text whose path ends in .md or .markdown is Markdown, as servers
// of raw files send it.
func extension(contentType, urlPath string) (string, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("the server sent an unreadable type %q", contentType)
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return ".html", nil
	case "text/markdown", "text/x-markdown":
		return ".md", nil
	case "text/plain":
		switch strings.ToLower(path.Ext(urlPath)) {
		case ".md", ".markdown":
			return ".md", nil
		case ".html", ".htm":
			return ".html", nil
		}
		return ".txt", nil
	}
	return "", fmt.Errorf("the server sent %s, not a web page or text (storybot reads HTML, Markdown and plain text)", mt)
}

// toUTF8 converts body to UTF-8 from the encoding the Content-Type names;
// a page that is not UTF-8 is read in the encoding its <meta> tag names,
// or else as Windows-1252, as browsers do. Text that is valid UTF-8 and
// names no encoding in its Content-Type is kept as it is.
func toUTF8(body []byte, contentType, ext string) ([]byte, error) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" || enc == nil || !certain && (utf8.Valid(body) || ext != ".html") {
		return body, nil
	}
	return io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(body)))
}

// fileName names a document after its URL: the last part of the path
// without its extension, else the host.
func fileName(u *url.URL) string {
	base := path.Base(u.Path)
	base = strings.TrimSuffix(base, path.Ext(base))
	if base == "" || base == "." || base == "/" || strings.EqualFold(base, "index") {
		return u.Hostname()
	}
	return base
}
