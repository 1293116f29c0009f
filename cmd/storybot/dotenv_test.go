package main

import (
	"path/filepath"
	"testing"
)

func TestWithDotEnv(t *testing.T) {
	real := map[string]string{"OPENAI_MODEL": "from-the-environment"}
	getenv := func(k string) string { return real[k] }

	f := writeFile(t, ".env", []byte("# a comment\nOPENAI_MODEL=from-the-file\nLLM_TIMEOUT=5s\n"))
	layered, err := withDotEnv(f, getenv)
	if err != nil {
		t.Fatalf("withDotEnv: %v", err)
	}
	for k, want := range map[string]string{"OPENAI_MODEL": "from-the-environment", "LLM_TIMEOUT": "5s", "LOG_LEVEL": ""} {
		if got := layered(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}

	missing, err := withDotEnv(filepath.Join(t.TempDir(), ".env"), getenv)
	if err != nil || missing("OPENAI_MODEL") != "from-the-environment" {
		t.Errorf("no .env: %v, OPENAI_MODEL = %q; want no error and the environment", err, missing("OPENAI_MODEL"))
	}

	bad := writeFile(t, ".env", []byte("OPENAI_MODEL=\"unterminated\n"))
	unchanged, err := withDotEnv(bad, getenv)
	if err == nil {
		t.Errorf("a malformed .env: no error, want one for main to warn about")
	}
	if got := unchanged("OPENAI_MODEL"); got != "from-the-environment" {
		t.Errorf("a malformed .env: OPENAI_MODEL = %q, want the environment's", got)
	}
}
