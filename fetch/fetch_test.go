package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/fetch"
)

const page = `<!DOCTYPE html><html><head><title>Ferry</title></head><body><p>The ferry crossed in forty minutes.</p></body></html>`

func TestGet(t *testing.T) {
	var gotUA, gotAccept string
	mux := http.NewServeMux()
	mux.HandleFunc("/news/ferry-crossing.html", func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAccept = r.Header.Get("User-Agent"), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/news/ferry-crossing.html", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/raw/notes.md", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("# Notes\n\nSome *notes*.\n"))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=iso-8859-1")
		w.Write([]byte("Caf\xe9 cr\xe8me"))
	})
	mux.HandleFunc("/meta-charset", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><meta charset=\"windows-1252\"><title>x</title></head><body><p>\x93Quoted\x94 caf\xe9</p></body></html>"))
	})
	mux.HandleFunc("/untyped", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil
		w.Write([]byte(page))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(page))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	opt := fetch.Options{UserAgent: "storybot/test (+https://github.com/storybot/storybot)", Client: srv.Client()}

	tests := []struct {
		path, name, url, body string
	}{
		{"/news/ferry-crossing.html", "ferry-crossing.html", "/news/ferry-crossing.html", page},
		{"/old", "old.html", "/news/ferry-crossing.html", page}, // named as asked, from where it came
		{"/raw/notes.md", "notes.md", "/raw/notes.md", "# Notes\n\nSome *notes*.\n"},
		{"/latin1", "latin1.txt", "/latin1", "Café crème"},
		{"/meta-charset", "meta-charset.html", "/meta-charset", `<html><head><meta charset="windows-1252"><title>x</title></head><body><p>“Quoted” café</p></body></html>`},
		{"/untyped", "untyped.html", "/untyped", page},
		{"/", "127.0.0.1.html", "/", page},
	}
	for _, tt := range tests {
		d, err := fetch.Get(context.Background(), srv.URL+tt.path, opt)
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if d.Name != tt.name || d.URL != srv.URL+tt.url || string(d.Body) != tt.body {
			t.Errorf("%s: got %q from %s: %q; want %q from %s: %q", tt.path, d.Name, d.URL, d.Body, tt.name, tt.url, tt.body)
		}
	}
	if gotUA != opt.UserAgent || !strings.Contains(gotAccept, "text/html") {
		t.Errorf("server saw User-Agent %q, Accept %q", gotUA, gotAccept)
	}
}

// TestGetRefuses checks each way a download is refused, each with one
// sentence naming the URL.
func TestGetRefuses(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
	})
	mux.HandleFunc("/pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4"))
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil
		w.Write([]byte{0x00, 0x01, 0x02, 0xff, 0xfe})
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		chunk := []byte(strings.Repeat("words and more words ", 500))
		for { // endless: only the cap ends it
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/declared-huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", "999999999")
		w.Write([]byte("short"))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><p>The start"))
		w.(http.Flusher).Flush()
		select { // the rest never comes
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	opt := fetch.Options{Client: srv.Client(), MaxBytes: 1 << 20, Timeout: 10 * time.Second}

	tests := []struct {
		url, msg string
	}{
		{"ftp://example.com/story.txt", "only http:// and https:// addresses can be fetched"},
		{"https://", "is not a web address"},
		{srv.URL + "/loop", "more than 5 redirects (a redirect loop?)"},
		{srv.URL + "/to-ftp", "redirected to ftp://example.com/x, which is not http(s)"},
		{srv.URL + "/pdf", "the server sent application/pdf, not a web page or text (storybot reads HTML, Markdown and plain text)"},
		{srv.URL + "/binary", "does not look like a web page or text"},
		{srv.URL + "/missing", "the server answered 404 Not Found"},
		{srv.URL + "/huge", "more than the 1 MB storybot downloads for one document"},
		{srv.URL + "/declared-huge", "more than the 1 MB storybot downloads for one document"},
		{srv.URL + "/slow", "no complete answer within 10s"},
	}
	for _, tt := range tests {
		o := opt
		if strings.HasSuffix(tt.url, "/slow") {
			// The server never finishes: only the timeout ends the download.
			o.Timeout = 200 * time.Millisecond
			tt.msg = "no complete answer within 200ms"
		}
		_, err := fetch.Get(context.Background(), tt.url, o)
		var fe *fetch.Error
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.url+": ") || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v; want a *fetch.Error saying %q", tt.url, err, tt.msg)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fetch.Get(ctx, srv.URL+"/pdf", opt); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled: error %v", err)
	}
}

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://example.com/a": true, "http://x": true, "ftp://x/y": true,
		"story.txt": false, "./a://b": false, "dir/x://y": false, "C:\\stories\\a.txt": false, "": false,
	} {
		if got := fetch.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %t, want %t", s, got, want)
		}
	}
}
