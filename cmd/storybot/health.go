package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// runHealth asks a running bot's /healthz endpoint whether it is well. It is
// the image's HEALTHCHECK, which runs without a shell: exit status 0 means
// healthy, anything else unhealthy, with the reason on stderr.
func runHealth(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "health", "health [--addr HOST:PORT] [--timeout DURATION]")
	addr := fs.String("addr", "", "address of the health endpoint (default HEALTH_ADDR)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for an answer")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("health takes no arguments, got %q", fs.Args())
	}
	if err := durationIn("timeout", *timeout, 100*time.Millisecond, 5*time.Minute); err != nil {
		return err
	}
	if *addr == "" {
		// Only HEALTH_ADDR matters here, but a configuration serve would
		// refuse means the bot is not running: say so rather than guess.
		cfg, err := loadConfig(e, "")
		if err != nil {
			return err
		}
		*addr = cfg.HealthAddr
	}
	target, err := healthURL(*addr)
	if err != nil {
		return usagef("--addr: %v", err)
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	// No proxy: the endpoint is local by nature, whatever HTTP_PROXY says.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("unhealthy: %s did not answer within %s", target, *timeout)
		}
		return fmt.Errorf("unhealthy: no answer from %s (%s); is storybot serve running, with the same HEALTH_ADDR?", target, netReason(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	summary := strings.Join(strings.Fields(string(body)), " ")
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s: %s", target, resp.Status, summary)
	}
	fmt.Fprintf(e.stdout, "healthy: %s\n", summary)
	return nil
}

// netReason says in a few words why a request got no answer: "connection
// refused" rather than the whole chain of wrapped errors.
func netReason(err error) string {
	var dnsErr *net.DNSError
	var urlErr *url.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot find the host %q", dnsErr.Name)
	case errors.As(err, &urlErr):
		return urlErr.Err.Error()
	}
	return err.Error()
}

// healthURL turns a listen address into the URL to ask. A server listening
// on every interface (":8081", "0.0.0.0:8081", "[::]:8081") is asked on
// loopback, which is where a same-container health check finds it.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8081)", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
