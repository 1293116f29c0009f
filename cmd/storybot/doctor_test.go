package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/internal/fakeopenai"
)

// doctorLines maps each check's name to its printed line.
func doctorLines(t *testing.T, stdout string) map[string]string {
	t.Helper()
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		fields := strings.Fields(l)
		if len(fields) < 2 {
			continue
		}
		name, _, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(l, fields[0])), ":")
		if !ok {
			continue
		}
		lines[name] = l
	}
	return lines
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestDoctor(t *testing.T) {
	const token, apiKey = "MTE.good.token", "sk-doctor-secret"
	discord := fakediscord.New(fakediscord.Options{Token: token})
	t.Cleanup(discord.Close)
	noMe := fakediscord.New(fakediscord.Options{Token: token, Disable: []string{"GET /users/@me"}})
	t.Cleanup(noMe.Close)
	model := fakeopenai.New(t)
	model.SetModels("other-model", "fake-model")
	ollama := fakeopenai.New(t)
	ollama.SetModels("llama3.2:latest", "qwen2.5:7b")
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}}`))
	}))
	t.Cleanup(unauthorized.Close)
	down := "http://" + closedAddr(t) + "/v1"
	discordDown := "http://" + closedAddr(t)

	type want struct {
		status string
		has    []string // substrings of the check's line
	}
	tests := []struct {
		name    string
		vars    map[string]string
		wantErr string
		checks  map[string]want
	}{
		{
			name: "everything well",
			vars: map[string]string{"OPENAI_BASE_URL": model.URL(), "OPENAI_MODEL": "fake-model", "OPENAI_API_KEY": apiKey,
				"DISCORD_TOKEN": token, "DISCORD_API_BASE_URL": discord.URL},
			checks: map[string]want{
				"configuration": {"ok", []string{"valid; set: STORYBOT_DB, OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, DISCORD_TOKEN, DISCORD_API_BASE_URL"}},
				"index":         {"ok", []string{"1 document", "passages"}},
				"model":         {"ok", []string{model.URL() + ` serves "fake-model"`}},
				"discord":       {"ok", []string{"the token belongs to " + discord.BotName + " (id " + discord.BotID + ") at " + discord.URL}},
			},
		},
		{
			name: "no model and no token is fine",
			checks: map[string]want{
				"model":   {"ok", []string{"none configured; answers are quotes from the story"}},
				"discord": {"skipped", []string{"DISCORD_TOKEN is not set; only serve needs it"}},
			},
		},
		{
			name: "ollama's latest tag",
			vars: map[string]string{"OPENAI_BASE_URL": ollama.URL(), "OPENAI_MODEL": "llama3.2"},
			checks: map[string]want{
				"model": {"ok", []string{`serves "llama3.2"`}},
			},
		},
		{
			name:    "model not served",
			vars:    map[string]string{"OPENAI_BASE_URL": ollama.URL(), "OPENAI_MODEL": "gpt-4o-mini"},
			wantErr: "doctor found 1 problem",
			checks: map[string]want{
				"model": {"problem", []string{`OPENAI_MODEL "gpt-4o-mini" is not among the models ` + ollama.URL() + ` lists (llama3.2:latest, qwen2.5:7b)`}},
			},
		},
		{
			name:    "model server down",
			vars:    map[string]string{"OPENAI_BASE_URL": down},
			wantErr: "doctor found 1 problem",
			checks: map[string]want{
				"model": {"problem", []string{"cannot reach " + down + " (connection refused); is the server running and OPENAI_BASE_URL right?"}},
			},
		},
		{
			name:    "api key refused",
			vars:    map[string]string{"OPENAI_BASE_URL": unauthorized.URL + "/v1", "OPENAI_API_KEY": apiKey},
			wantErr: "doctor found 1 problem",
			checks: map[string]want{
				"model": {"problem", []string{unauthorized.URL + "/v1 refused OPENAI_API_KEY (401 Unauthorized); check the key"}},
			},
		},
		{
			name:    "discord token refused",
			vars:    map[string]string{"DISCORD_TOKEN": "MTE.wrong.token", "DISCORD_API_BASE_URL": discord.URL},
			wantErr: "doctor found 1 problem",
			checks: map[string]want{
				"discord": {"problem", []string{"Discord refused DISCORD_TOKEN (401 Unauthorized); reset it at https://discord.com/developers/applications"}},
			},
		},
		{
			name:    "discord answers an error",
			vars:    map[string]string{"DISCORD_TOKEN": token, "DISCORD_API_BASE_URL": noMe.URL + "/"},
			wantErr: "doctor found 1 problem",
			checks: map[string]want{
				"discord": {"problem", []string{noMe.URL + " answered 404 Not Found: ", "404: Not Found"}},
			},
		},
		{
			name:    "discord unreachable",
			vars:    map[string]string{"DISCORD_TOKEN": token, "DISCORD_API_BASE_URL": discordDown},
			wantErr: "doctor found 1 problem",
			checks: map[string]want{
				"discord": {"problem", []string{"cannot reach " + discordDown + " (connection refused)"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := testEnv(t)
			for k, v := range tt.vars {
				vars[k] = v
			}
			r := runCLI(t, vars, "doctor")
			switch {
			case tt.wantErr == "" && r.err != nil:
				t.Fatalf("doctor: %v\n%s", r.err, r.stdout)
			case tt.wantErr != "" && (r.err == nil || r.err.Error() != tt.wantErr):
				t.Fatalf("doctor: err = %v, want %q\n%s", r.err, tt.wantErr, r.stdout)
			}
			if tt.wantErr == "" && !strings.Contains(r.stdout, "\nstorybot is ready") {
				t.Errorf("stdout does not end with the all-clear:\n%s", r.stdout)
			}
			lines := doctorLines(t, r.stdout)
			for name, w := range tt.checks {
				line, ok := lines[name]
				if !ok {
					t.Errorf("no %s line in:\n%s", name, r.stdout)
					continue
				}
				if !strings.HasPrefix(line, w.status+" ") {
					t.Errorf("%s line %q, want status %q", name, line, w.status)
				}
				for _, s := range w.has {
					if !strings.Contains(line, s) {
						t.Errorf("%s line %q, want it to contain %q", name, line, s)
					}
				}
			}
			for _, secret := range []string{apiKey, token} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("output shows the secret %q:\n%s", secret, r.stdout)
				}
			}
		})
	}
	for _, c := range discord.Calls() {
		if c.Method+" "+c.Path != "GET /api/v9/users/@me" {
			t.Errorf("fake Discord saw %s %s; doctor should only ask GET /api/v9/users/@me", c.Method, c.Path)
		}
	}
	if n := len(discord.CallsTo("GET /users/@me")); n != 2 {
		t.Errorf("fake Discord was asked who the bot is %d times, want 2 (the good and the wrong token)", n)
	}
}

func TestDoctorBadConfigurationStopsBeforeTheNetwork(t *testing.T) {
	model := fakeopenai.New(t)
	discord := fakediscord.New(fakediscord.Options{Token: "MTE.good.token"})
	defer discord.Close()
	vars := testEnv(t)
	vars["OPENAI_BASE_URL"] = model.URL()
	vars["DISCORD_TOKEN"] = "MTE.good.token"
	vars["DISCORD_API_BASE_URL"] = discord.URL
	vars["LLM_TIMEOUT"] = "soon"
	vars["LOG_LEVEL"] = "loud"

	r := runCLI(t, vars, "doctor")
	if r.err == nil || r.err.Error() != "doctor found 2 problems" {
		t.Fatalf("err = %v, want doctor found 2 problems", r.err)
	}
	want := versionLine() + `
problem  configuration: LLM_TIMEOUT: "soon" is not a duration from 1s to 10m (e.g. 30s, 2m)
problem  configuration: LOG_LEVEL: "loud" is not one of debug, info, warn, error
skipped  index, model, discord: fix the configuration first
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if n := len(model.Requests()); n != 0 {
		t.Errorf("model server got %d requests, want none", n)
	}
	if got := discord.Calls(); len(got) != 0 {
		t.Errorf("fake Discord got %+v, want nothing", got)
	}
}
