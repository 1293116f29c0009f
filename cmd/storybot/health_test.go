package main

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// healthServer serves /healthz with the given status and body and returns
// its host:port.
func healthServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || r.Method != http.MethodGet {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusTeapot)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func TestHealth(t *testing.T) {
	healthy := healthServer(t, http.StatusOK, `{"status": "ok", "gateway": "connected"}`)
	sick := healthServer(t, http.StatusServiceUnavailable, "{\"status\": \"degraded\",\n \"gateway\": \"disconnected\"}")
	_, port, _ := net.SplitHostPort(healthy)

	tests := []struct {
		name       string
		vars       map[string]string
		args       []string
		wantStdout string // exact, for a healthy bot
		wantErr    string // the whole message, for an unhealthy one
	}{
		{
			name:       "healthy via flag",
			args:       []string{"--addr", healthy},
			wantStdout: "healthy: {\"status\": \"ok\", \"gateway\": \"connected\"}\n",
		},
		{
			name:       "healthy via HEALTH_ADDR",
			vars:       map[string]string{"HEALTH_ADDR": healthy},
			wantStdout: "healthy: {\"status\": \"ok\", \"gateway\": \"connected\"}\n",
		},
		{
			name:       "listening on every interface is asked on loopback",
			vars:       map[string]string{"HEALTH_ADDR": ":" + port},
			wantStdout: "healthy: {\"status\": \"ok\", \"gateway\": \"connected\"}\n",
		},
		{
			name:    "unhealthy status",
			args:    []string{"--addr", sick},
			wantErr: "unhealthy: http://" + sick + "/healthz answered 503 Service Unavailable: {\"status\": \"degraded\", \"gateway\": \"disconnected\"}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.vars, append([]string{"health"}, tt.args...)...)
			if tt.wantErr != "" {
				if r.err == nil || r.err.Error() != tt.wantErr {
					t.Errorf("err = %v\nwant %s", r.err, tt.wantErr)
				}
				if r.stdout != "" {
					t.Errorf("stdout = %q, want nothing for an unhealthy bot", r.stdout)
				}
				return
			}
			if r.err != nil {
				t.Fatalf("health: %v", r.err)
			}
			if r.stdout != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.wantStdout)
			}
		})
	}
}

func TestHealthNothingListening(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	r := runCLI(t, nil, "health", "--addr", addr)
	want := "unhealthy: no answer from http://" + addr + "/healthz (connection refused); is storybot serve running, with the same HEALTH_ADDR?"
	if r.err == nil || r.err.Error() != want {
		t.Errorf("err = %v\nwant %s", r.err, want)
	}
}

func TestHealthStalledServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	addr := srv.Listener.Addr().String()

	r := runCLI(t, nil, "health", "--addr", addr, "--timeout", "100ms")
	want := "unhealthy: http://" + addr + "/healthz did not answer within 100ms"
	if r.err == nil || r.err.Error() != want {
		t.Errorf("err = %v\nwant %s", r.err, want)
	}
}

func TestHealthBadInput(t *testing.T) {
	tests := []struct {
		name      string
		vars      map[string]string
		args      []string
		wantErr   string
		wantUsage bool
	}{
		{"addr without port", nil, []string{"--addr", "localhost"}, `--addr: "localhost" is not host:port (e.g. 127.0.0.1:8081)`, true},
		{"stray argument", nil, []string{"now"}, `health takes no arguments, got ["now"]`, true},
		{"invalid HEALTH_ADDR", map[string]string{"HEALTH_ADDR": "8081"}, nil, "configuration is invalid:\n" + `HEALTH_ADDR: "8081" is not host:port with a port number (e.g. 127.0.0.1:8081 or :8081)`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.vars, append([]string{"health"}, tt.args...)...)
			if r.err == nil || r.err.Error() != tt.wantErr {
				t.Fatalf("err = %v\nwant %s", r.err, tt.wantErr)
			}
			if got := errors.As(r.err, new(usageError)); got != tt.wantUsage {
				t.Errorf("usage error = %v, want %v", got, tt.wantUsage)
			}
		})
	}
}
