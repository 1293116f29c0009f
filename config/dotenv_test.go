package config_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storybot/storybot/config"
)

func TestParseDotEnvValues(t *testing.T) {
	tests := []struct {
		name string
		file string
		want map[string]string
	}{
		{"plain", "A=1\nB=two words\n", map[string]string{"A": "1", "B": "two words"}},
		{"comments and blank lines", "# a comment\n\n   # indented\nA=1\n", map[string]string{"A": "1"}},
		{"export and blanks around =", "export A = 1\n\tB\t=\t2 \n", map[string]string{"A": "1", "B": "2"}},
		{"empty value", "A=\nB=  \n", map[string]string{"A": "", "B": ""}},
		{"inline comment", "A=1 # the first\nB=2\t# the second\nC=a#b\n", map[string]string{"A": "1", "B": "2", "C": "a#b"}},
		{"equals in the value", "A=dGVzdA==\nB=x=y\n", map[string]string{"A": "dGVzdA==", "B": "x=y"}},
		{"double quotes", `A="a b # not a comment"` + "\n" + `B="line\nnext \"q\" \\ \$HOME"` + "\n", map[string]string{"A": "a b # not a comment", "B": "line\nnext \"q\" \\ \\$HOME"}},
		{"single quotes", `A='a "b" \n $C' # comment` + "\n", map[string]string{"A": `a "b" \n $C`}},
		{"nothing expanded", "A=1\nB=$A ${A}\n", map[string]string{"A": "1", "B": "$A ${A}"}},
		{"crlf", "A=1\r\nB=\"2\"\r\n", map[string]string{"A": "1", "B": "2"}},
		{"byte-order mark", "\ufeffA=1\nB=2\n", map[string]string{"A": "1", "B": "2"}},
		{"last wins", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"no final newline", "A=1", map[string]string{"A": "1"}},
		{"lower case and digits", "a_1=x\n_B2=y\n", map[string]string{"a_1": "x", "_B2": "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := config.ParseDotEnv(strings.NewReader(tt.file), ".env")
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Problems) > 0 {
				t.Errorf("problems: %v", d.Problems)
			}
			if !maps.Equal(d.Vars, tt.want) {
				t.Errorf("vars = %q, want %q", d.Vars, tt.want)
			}
		})
	}
}

// secretWords are in the bad lines of TestParseDotEnvProblems: no problem may
// show any of them.
var secretWords = []string{"garbage", "MTE.marker", "sk-marker", "lonesecretword", "hunter2hunter2"}

func TestParseDotEnvProblems(t *testing.T) {
	tests := []struct {
		name string
		line string
		want config.DotEnvProblem // File and Line are checked apart
	}{
		{"garbage", "this is garbage MTE.marker", config.DotEnvProblem{Reason: "not a KEY=value line"}},
		{"a secret alone", "lonesecretword", config.DotEnvProblem{Reason: "not a KEY=value line"}},
		{"a known name alone", "DISCORD_TOKEN", config.DotEnvProblem{Name: "DISCORD_TOKEN", Reason: "no = after the name (write DISCORD_TOKEN= for an empty value)"}},
		{"not a name", "sk-marker=hunter2hunter2", config.DotEnvProblem{Reason: "the text before = is not a variable name (letters, digits and _)"}},
		{"name with a space", "DISCORD TOKEN=MTE.marker", config.DotEnvProblem{Reason: "the text before = is not a variable name (letters, digits and _)"}},
		{"unterminated double quote", `DISCORD_TOKEN="MTE.marker`, config.DotEnvProblem{Name: "DISCORD_TOKEN", Reason: "the double quote opened after = is not closed on the same line"}},
		{"unterminated single quote", `OPENAI_API_KEY='sk-marker`, config.DotEnvProblem{Name: "OPENAI_API_KEY", Reason: "the single quote opened after = is not closed on the same line"}},
		{"escaped closing quote", `OPENAI_API_KEY="sk-marker\"`, config.DotEnvProblem{Name: "OPENAI_API_KEY", Reason: "the double quote opened after = is not closed on the same line"}},
		{"text after the quote", `OPENAI_API_KEY="sk-marker" hunter2hunter2`, config.DotEnvProblem{Name: "OPENAI_API_KEY", Reason: "text follows the closing double quote"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := "\ufeffOPENAI_MODEL=before\r\n# comment\n" + tt.line + "\nLLM_TIMEOUT=5s\n"
			d, err := config.ParseDotEnv(strings.NewReader(file), "the.env")
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.File, want.Line = "the.env", 3
			if !slices.Equal(d.Problems, []config.DotEnvProblem{want}) {
				t.Fatalf("problems = %+v, want %+v", d.Problems, want)
			}
			if want := map[string]string{"OPENAI_MODEL": "before", "LLM_TIMEOUT": "5s"}; !maps.Equal(d.Vars, want) {
				t.Errorf("the other lines: vars = %q, want %q", d.Vars, want)
			}
			msg := d.Problems[0].Error()
			if !strings.HasPrefix(msg, "the.env line 3") || !strings.HasSuffix(msg, "; the line is ignored") {
				t.Errorf("message %q: want it to start with the file and line and say the line is ignored", msg)
			}
			for _, w := range secretWords {
				if strings.Contains(msg, w) {
					t.Errorf("message %q shows %q from the line", msg, w)
				}
			}
		})
	}
}

func TestParseDotEnvRefusesWholeFiles(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"utf-16", "\xff\xfeA\x00=\x001\x00", ".env is UTF-16 text; save it as UTF-8"},
		{"huge", "A=" + strings.Repeat("x", 1<<20), ".env is larger than 1 MiB; it is not a .env file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := config.ParseDotEnv(strings.NewReader(tt.data), ".env")
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if len(d.Vars) > 0 {
				t.Errorf("vars = %q from a refused file", d.Vars)
			}
		})
	}
}

func TestReadDotEnv(t *testing.T) {
	dir := t.TempDir()
	d, err := config.ReadDotEnv(filepath.Join(dir, "missing.env"))
	if err != nil || len(d.Vars) != 0 || len(d.Problems) != 0 {
		t.Errorf("missing file: %+v, %v; want nothing and no error", d, err)
	}
	if _, err := config.ReadDotEnv(dir); err == nil {
		t.Error("a folder: no error")
	}
	p := filepath.Join(dir, ".env")
	if err := os.WriteFile(p, []byte("OPENAI_MODEL=from-the-file\nLLM_TIMEOUT=5s\nLOG_LEVEL=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err = config.ReadDotEnv(p)
	if err != nil {
		t.Fatal(err)
	}
	real := map[string]string{"OPENAI_MODEL": "from-the-environment", "LOG_LEVEL": ""}
	getenv := d.Under(func(k string) string { return real[k] })
	for k, want := range map[string]string{"OPENAI_MODEL": "from-the-environment", "LLM_TIMEOUT": "5s", "LOG_LEVEL": "", "STORYBOT_DB": ""} {
		if got := getenv(k); got != want {
			t.Errorf("%s = %q, want %q (the environment wins over the file)", k, got, want)
		}
	}
}
