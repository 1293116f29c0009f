package config_test

import (
	"testing"

	"github.com/storybot/storybot/config"
)

func TestProcessEnv(t *testing.T) {
	env := map[string]string{"LOG_LEVEL": "debug"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	getenv := config.ProcessEnv(lookup)
	if got := getenv(config.EnvFile); got != ".env" {
		t.Errorf("%s unset: %q, want the working folder's .env", config.EnvFile, got)
	}
	if got := getenv("LOG_LEVEL"); got != "debug" {
		t.Errorf("LOG_LEVEL = %q, want debug", got)
	}
	env[config.EnvFile] = ""
	if got := getenv(config.EnvFile); got != "" {
		t.Errorf("%s set empty: %q, want no file", config.EnvFile, got)
	}
	env[config.EnvFile] = "/run/secrets/storybot.env"
	if got := getenv(config.EnvFile); got != "/run/secrets/storybot.env" {
		t.Errorf("%s = %q, want the one set", config.EnvFile, got)
	}
}
