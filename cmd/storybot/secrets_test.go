package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
)

// Marker secrets. TestNoCommandShowsASecret looks for each in everything
// storybot prints and posts.
const (
	envToken    = "MTE4.env-token-marker.Zq9xY"
	envKey      = "sk-env-key-marker-0123456789"
	envPassword = "env-url-password-marker"
	fileToken   = "MTE4.file-token-marker.Wp7vU"
	fileKey     = "sk-file-key-marker-9876543210"
	lineSecret  = "bad-line-secret-marker-42"
)

var markers = []string{envToken, envKey, envPassword, fileToken, fileKey, lineSecret}

// echoServer answers every request with a refusal quoting the request's
// Authorization header and URL, as a careless server or proxy might.
func echoServer(t *testing.T, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error": {"message": "refused %q at %q", "type": "invalid_request_error"}, "message": "refused %q"}`,
			r.Header.Get("Authorization"), r.URL.String(), r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// secretScenario is where storybot finds its secrets: the process
// environment, and a .env file holding bad lines.
type secretScenario struct {
	name   string
	env    map[string]string
	dotenv string
	token  string // the Discord token in use
}

// badLines are .env lines storybot cannot read; their text must never show.
const badLines = "this is garbage " + lineSecret + "\n" +
	"OPENAI_API_KEY=\"" + lineSecret + "\n" +
	lineSecret + "\n" +
	"DISCORD_TOKEN='Bot " + lineSecret + "' " + lineSecret + "\n"

func secretScenarios(modelURL string) []secretScenario {
	withPassword := strings.Replace(modelURL, "http://", "http://storybot:"+envPassword+"@", 1)
	return []secretScenario{
		{
			name: "in the environment, over a malformed .env",
			env: map[string]string{
				"DISCORD_TOKEN": "Bot " + envToken, "OPENAI_API_KEY": envKey, "OPENAI_BASE_URL": withPassword,
			},
			dotenv: "\ufeffDISCORD_TOKEN=" + fileToken + "\nOPENAI_API_KEY=" + fileKey + "\n" + badLines + "LOG_LEVEL=debug\n",
			token:  envToken,
		},
		{
			name: "in a malformed .env only",
			env:  map[string]string{},
			dotenv: "\ufeff# storybot\r\nDISCORD_TOKEN=\"Bot " + fileToken + "\"\r\n" + badLines +
				"export OPENAI_API_KEY='" + fileKey + "'\nOPENAI_BASE_URL=" + modelURL + " # the model\nLOG_LEVEL=debug\n",
			token: fileToken,
		},
	}
}

// secretRun is one storybot command to run and what shows it did its work.
type secretRun struct {
	args     []string
	exitCode int
	want     string // in stdout or stderr
	env      map[string]string
	stdin    string
}

// TestNoCommandShowsASecret runs every storybot command as its own process,
// with marker secrets in the environment or in a .env file with bad lines,
// against a model server and a Discord that echo credentials back, and
// finds none of the markers in anything printed, logged or posted to
// Discord.
func TestNoCommandShowsASecret(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("serve is stopped with SIGTERM")
	}
	model := echoServer(t, http.StatusBadRequest)
	discordEcho := echoServer(t, http.StatusInternalServerError)
	for _, sc := range secretScenarios(model.URL + "/v1") {
		t.Run(sc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(sc.dotenv), 0o600); err != nil {
				t.Fatal(err)
			}
			story := filepath.Join(dir, "harbour.txt")
			if err := os.WriteFile(story, []byte("The Harbour\n\nThe harbour master counted forty boats at dawn, and every one came home before the storm."), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"HOME": t.TempDir(), "STORYBOT_DB": filepath.Join(dir, "storybot.db")}
			for k, v := range sc.env {
				env[k] = v
			}
			runs := map[string]secretRun{
				"version":  {args: []string{"version"}, want: "storybot "},
				"ask":      {args: []string{"ask", "What did the FBI ask Phantom Secure's CEO to do?"}, want: "phantom-secure#"},
				"chat":     {args: []string{"chat"}, stdin: "What did the FBI ask Phantom Secure's CEO to do?\nDid he?\n", want: "> Did he?"},
				"search":   {args: []string{"search", "backdoor"}, want: "phantom-secure#"},
				"timeline": {args: []string{"timeline"}, want: "phantom-secure#"},
				"ingest":   {args: []string{"ingest", story}, want: "added"},
				"docs":     {args: []string{"docs"}, want: "phantom-secure"},
				"stats":    {args: []string{"stats"}, want: "Questions from"},
				"backup":   {args: []string{"backup", filepath.Join(dir, "backup.db")}, want: "backed up"},
				"restore":  {args: []string{"restore", filepath.Join(dir, "backup.db")}, want: "restored"},
				"eval":     {args: []string{"eval", "--data", t.TempDir()}, exitCode: 1, want: "no FairytaleQA val split"},
				"health":   {args: []string{"health", "--addr", closedAddr(t)}, exitCode: 1, want: "unhealthy"},
				"doctor": {args: []string{"doctor", "--timeout", "5s"}, exitCode: 1, want: "problem  discord: " + discordEcho.URL + " answered 500",
					env: map[string]string{"DISCORD_API_BASE_URL": discordEcho.URL}},
			}
			for _, c := range commands() {
				if _, ok := runs[c.name]; !ok && c.name != "serve" {
					t.Fatalf("storybot %s is not run here: add it to runs", c.name)
				}
			}
			order := []string{"version", "ask", "search", "timeline", "ingest", "docs", "stats", "backup", "restore", "eval", "health", "doctor"}
			var outputs []string
			for _, name := range order {
				r := runs[name]
				out := runStorybot(t, dir, mergeEnv(env, r.env), r)
				outputs = append(outputs, out)
			}
			outputs = append(outputs, serveWithSecrets(t, dir, env, sc.token))
			for i, out := range outputs {
				name := append(order, "serve")[i]
				if !strings.Contains(out, "storybot: .env line 4 (OPENAI_API_KEY): the double quote opened after = is not closed on the same line; the line is ignored") {
					t.Errorf("storybot %s did not warn of the .env's bad lines:\n%s", name, out)
				}
				for _, m := range markers {
					if strings.Contains(out, m) {
						t.Errorf("storybot %s shows the secret %q:\n%s", name, m, out)
					}
				}
			}
		})
	}
}

func mergeEnv(base, more map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// storybotCommand returns this test binary set up to run as storybot in
// dir, with only env for an environment.
func storybotCommand(ctx context.Context, dir string, env map[string]string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = []string{"STORYBOT_TEST_MAIN=1"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// runStorybot runs one command to its end and returns its stdout and stderr.
func runStorybot(t *testing.T, dir string, env map[string]string, r secretRun) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := storybotCommand(ctx, dir, env, r.args...)
	cmd.Stdin = strings.NewReader(r.stdin)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("storybot %q: %v", r.args, err)
	}
	out := "stdout:\n" + stdout.String() + "stderr:\n" + stderr.String()
	if code != r.exitCode || !strings.Contains(out, r.want) {
		t.Errorf("storybot %q: exit %d, want %d and %q in:\n%s", r.args, code, r.exitCode, r.want, out)
	}
	return out
}

// serveWithSecrets runs serve against a fake Discord that takes token,
// answers one /ask through the model that echoes credentials, stops serve
// with SIGTERM, and returns what it printed and what it posted to Discord.
func serveWithSecrets(t *testing.T, dir string, env map[string]string, token string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	fake := fakediscord.New(fakediscord.Options{Token: token})
	defer fake.Close()
	env = mergeEnv(env, map[string]string{"DISCORD_API_BASE_URL": fake.URL, "HEALTH_ADDR": freeAddr(t)})
	cmd := storybotCommand(ctx, dir, env, "serve", "--grace", "2s")
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	output := func() string { return "stdout:\n" + stdout.String() + "stderr:\n" + stderr.String() }
	if _, err := fake.WaitRoute(ctx, "PUT /applications/{app}/commands", 1); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("serve never registered its commands: %v\n%s", err, output())
	}
	sent, err := fake.Interact(fakediscord.Interaction{Command: "ask", Options: []fakediscord.Option{{Name: "question", Value: "What did the FBI ask Phantom Secure's CEO to do?"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Wait(ctx, func(calls []fakediscord.Call) bool {
		return slices.ContainsFunc(calls, func(c fakediscord.Call) bool { return sent.Of(c) && c.Method == "PATCH" })
	}); err != nil {
		t.Errorf("no answer to /ask: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, output())
	}
	out := output()
	for _, want := range []string{"connected to Discord", "outcome=answered", "msg=stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve's log lacks %q:\n%s", want, out)
		}
	}
	var posted strings.Builder
	for _, c := range fake.Calls() {
		posted.WriteString(c.Method + " " + c.Path + " " + string(c.Body) + "\n")
	}
	return out + "posted to Discord:\n" + posted.String()
}
