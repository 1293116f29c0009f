package config_test

import (
	"bufio"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/config"
)

// env returns a getenv that reads from m, with HOME fixed so the default
// database path does not depend on the machine running the test.
func env(m map[string]string) func(string) string {
	return func(key string) string {
		if key == "HOME" {
			return "/home/test"
		}
		return m[key]
	}
}

func TestLoadDefaults(t *testing.T) {
	got, err := config.Load(env(nil))
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	want := config.Config{
		DB:            "/home/test/.local/share/storybot/storybot.db",
		DefaultStory:  true,
		Model:         "gpt-4o-mini",
		LLMTimeout:    60 * time.Second,
		ContextTokens: 1800,
		ShardCount:    1,
		HealthAddr:    "127.0.0.1:8081",
		RatePerMinute: 6,
		RateBurst:     3,
		MaxConcurrent: 4,
		MaxQueued:     32,
		LogLevel:      slog.LevelInfo,

		QuestionRetention: 30 * config.Day,
	}
	if got != want {
		t.Errorf("Load with nothing set:\n got %+v\nwant %+v", got, want)
	}
	if got.ModelConfigured() {
		t.Error("ModelConfigured() = true with no key and no base URL, want false")
	}
}

func TestLoadValid(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		value string
		get   func(config.Config) any
		want  any
	}{
		{"db path", "STORYBOT_DB", "/data/storybot.db", func(c config.Config) any { return c.DB }, "/data/storybot.db"},
		{"db path trimmed", "STORYBOT_DB", "  /data/x.db \n", func(c config.Config) any { return c.DB }, "/data/x.db"},
		{"default story off", "STORYBOT_DEFAULT_STORY", "false", func(c config.Config) any { return c.DefaultStory }, false},
		{"default story on", "STORYBOT_DEFAULT_STORY", "1", func(c config.Config) any { return c.DefaultStory }, true},
		{"message content intent", "DISCORD_MESSAGE_CONTENT", "true", func(c config.Config) any { return c.MessageContent }, true},
		{"api key", "OPENAI_API_KEY", "sk-test-123", func(c config.Config) any { return c.APIKey }, "sk-test-123"},
		{"base url http", "OPENAI_BASE_URL", "http://localhost:11434/v1", func(c config.Config) any { return c.BaseURL }, "http://localhost:11434/v1"},
		{"base url https", "OPENAI_BASE_URL", "https://api.openai.com/v1", func(c config.Config) any { return c.BaseURL }, "https://api.openai.com/v1"},
		{"model", "OPENAI_MODEL", "llama3.2:3b", func(c config.Config) any { return c.Model }, "llama3.2:3b"},
		{"timeout seconds", "LLM_TIMEOUT", "30s", func(c config.Config) any { return c.LLMTimeout }, 30 * time.Second},
		{"timeout compound", "LLM_TIMEOUT", "1m30s", func(c config.Config) any { return c.LLMTimeout }, 90 * time.Second},
		{"context tokens min", "LLM_CONTEXT_TOKENS", "200", func(c config.Config) any { return c.ContextTokens }, 200},
		{"context tokens max", "LLM_CONTEXT_TOKENS", "1000000", func(c config.Config) any { return c.ContextTokens }, 1_000_000},
		{"discord token", "DISCORD_TOKEN", "MTE.abc.def", func(c config.Config) any { return c.DiscordToken }, "MTE.abc.def"},
		{"discord token with Bot prefix", "DISCORD_TOKEN", "Bot MTE.abc.def", func(c config.Config) any { return c.DiscordToken }, "MTE.abc.def"},
		{"discord token with Bot prefix and blanks", "DISCORD_TOKEN", "Bot   MTE.abc.def", func(c config.Config) any { return c.DiscordToken }, "MTE.abc.def"},
		{"timeout least", "LLM_TIMEOUT", "1s", func(c config.Config) any { return c.LLMTimeout }, time.Second},
		{"timeout most", "LLM_TIMEOUT", "10m", func(c config.Config) any { return c.LLMTimeout }, 10 * time.Minute},
		{"rate least", "RATE_LIMIT_PER_MINUTE", "0.1", func(c config.Config) any { return c.RatePerMinute }, 0.1},
		{"rate most", "RATE_LIMIT_PER_MINUTE", "1000", func(c config.Config) any { return c.RatePerMinute }, 1000.0},
		{"burst most", "RATE_LIMIT_BURST", "100", func(c config.Config) any { return c.RateBurst }, 100},
		{"retention in days", "QUESTION_RETENTION", "7d", func(c config.Config) any { return c.QuestionRetention }, 7 * config.Day},
		{"retention as a duration", "QUESTION_RETENTION", "12h", func(c config.Config) any { return c.QuestionRetention }, 12 * time.Hour},
		{"retention none", "QUESTION_RETENTION", "0", func(c config.Config) any { return c.QuestionRetention }, time.Duration(0)},
		{"guild id", "DISCORD_GUILD_ID", "123456789012345678", func(c config.Config) any { return c.DiscordGuildID }, "123456789012345678"},
		{"discord api base", "DISCORD_API_BASE_URL", "http://127.0.0.1:3000", func(c config.Config) any { return c.DiscordAPIBase }, "http://127.0.0.1:3000"},
		{"shard count", "DISCORD_SHARD_COUNT", "4", func(c config.Config) any { return c.ShardCount }, 4},
		{"health addr all interfaces", "HEALTH_ADDR", ":8081", func(c config.Config) any { return c.HealthAddr }, ":8081"},
		{"health addr any port", "HEALTH_ADDR", "127.0.0.1:0", func(c config.Config) any { return c.HealthAddr }, "127.0.0.1:0"},
		{"health addr ipv6", "HEALTH_ADDR", "[::1]:9000", func(c config.Config) any { return c.HealthAddr }, "[::1]:9000"},
		{"rate whole", "RATE_LIMIT_PER_MINUTE", "10", func(c config.Config) any { return c.RatePerMinute }, 10.0},
		{"rate fraction", "RATE_LIMIT_PER_MINUTE", "0.5", func(c config.Config) any { return c.RatePerMinute }, 0.5},
		{"burst", "RATE_LIMIT_BURST", "1", func(c config.Config) any { return c.RateBurst }, 1},
		{"concurrent", "MAX_CONCURRENT_ANSWERS", "16", func(c config.Config) any { return c.MaxConcurrent }, 16},
		{"queue may be empty", "MAX_QUEUED_ANSWERS", "0", func(c config.Config) any { return c.MaxQueued }, 0},
		{"log level", "LOG_LEVEL", "debug", func(c config.Config) any { return c.LogLevel }, slog.LevelDebug},
		{"log level any case", "LOG_LEVEL", "WARN", func(c config.Config) any { return c.LogLevel }, slog.LevelWarn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{tt.key: tt.value}))
			if err != nil {
				t.Fatalf("%s=%q: %v", tt.key, tt.value, err)
			}
			if got := tt.get(c); got != tt.want {
				t.Errorf("%s=%q: got %v, want %v", tt.key, tt.value, got, tt.want)
			}
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		value string
		want  string
	}{
		{"default story not a boolean", "STORYBOT_DEFAULT_STORY", "maybe", `STORYBOT_DEFAULT_STORY: "maybe" is not true or false`},
		{"timeout not a duration", "LLM_TIMEOUT", "soon", `LLM_TIMEOUT: "soon" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"retention not a span", "QUESTION_RETENTION", "a month", `QUESTION_RETENTION: "a month" is not a retention from 0 (keep none) to 3650d (e.g. 30d, 12h)`},
		{"retention too long", "QUESTION_RETENTION", "4000d", `QUESTION_RETENTION: "4000d" is not a retention from 0 (keep none) to 3650d (e.g. 30d, 12h)`},
		{"retention negative", "QUESTION_RETENTION", "-1d", `QUESTION_RETENTION: "-1d" is not a retention from 0 (keep none) to 3650d (e.g. 30d, 12h)`},
		{"timeout without unit", "LLM_TIMEOUT", "30", `LLM_TIMEOUT: "30" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"timeout zero", "LLM_TIMEOUT", "0s", `LLM_TIMEOUT: "0s" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"timeout negative", "LLM_TIMEOUT", "-5s", `LLM_TIMEOUT: "-5s" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"timeout tiny", "LLM_TIMEOUT", "1ns", `LLM_TIMEOUT: "1ns" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"timeout huge", "LLM_TIMEOUT", "100000h", `LLM_TIMEOUT: "100000h" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"timeout overflows", "LLM_TIMEOUT", "9999999999h", `LLM_TIMEOUT: "9999999999h" is not a duration from 1s to 10m (e.g. 30s, 2m)`},
		{"base url no scheme", "OPENAI_BASE_URL", "localhost:11434/v1", `OPENAI_BASE_URL: "localhost:11434/v1" is not an http(s) URL (e.g. http://localhost:11434/v1 or https://api.openai.com/v1)`},
		{"base url other scheme", "OPENAI_BASE_URL", "ftp://example.com/v1", `OPENAI_BASE_URL: "ftp://example.com/v1" is not an http(s) URL (e.g. http://localhost:11434/v1 or https://api.openai.com/v1)`},
		{"base url no host", "OPENAI_BASE_URL", "http:///v1", `OPENAI_BASE_URL: "http:///v1" is not an http(s) URL (e.g. http://localhost:11434/v1 or https://api.openai.com/v1)`},
		{"discord api base not a url", "DISCORD_API_BASE_URL", "proxy", `DISCORD_API_BASE_URL: "proxy" is not an http(s) URL (e.g. http://localhost:3000 for a rate-limit proxy)`},
		{"context tokens not a number", "LLM_CONTEXT_TOKENS", "lots", `LLM_CONTEXT_TOKENS: "lots" is not a whole number from 200 to 1000000`},
		{"context tokens too small", "LLM_CONTEXT_TOKENS", "199", `LLM_CONTEXT_TOKENS: "199" is not a whole number from 200 to 1000000`},
		{"context tokens too large", "LLM_CONTEXT_TOKENS", "1000001", `LLM_CONTEXT_TOKENS: "1000001" is not a whole number from 200 to 1000000`},
		{"context tokens overflow", "LLM_CONTEXT_TOKENS", "99999999999999999999", `LLM_CONTEXT_TOKENS: "99999999999999999999" is not a whole number from 200 to 1000000`},
		{"burst zero", "RATE_LIMIT_BURST", "0", `RATE_LIMIT_BURST: "0" is not a whole number from 1 to 100`},
		{"burst huge", "RATE_LIMIT_BURST", "1000000", `RATE_LIMIT_BURST: "1000000" is not a whole number from 1 to 100`},
		{"concurrent huge", "MAX_CONCURRENT_ANSWERS", "5000", `MAX_CONCURRENT_ANSWERS: "5000" is not a whole number from 1 to 1000`},
		{"queue huge", "MAX_QUEUED_ANSWERS", "1e9", `MAX_QUEUED_ANSWERS: "1e9" is not a whole number from 0 to 100000`},
		{"shard id huge", "DISCORD_SHARD_ID", "100001", `DISCORD_SHARD_ID: "100001" is not a whole number from 0 to 100000`},
		{"concurrent fraction", "MAX_CONCURRENT_ANSWERS", "1.5", `MAX_CONCURRENT_ANSWERS: "1.5" is not a whole number from 1 to 1000`},
		{"shard id not below count", "DISCORD_SHARD_ID", "1", `DISCORD_SHARD_ID: 1 is not below DISCORD_SHARD_COUNT (1); shards are numbered from 0`},
		{"shard count zero", "DISCORD_SHARD_COUNT", "0", `DISCORD_SHARD_COUNT: "0" is not a whole number from 1 to 100000`},
		{"queue negative", "MAX_QUEUED_ANSWERS", "-1", `MAX_QUEUED_ANSWERS: "-1" is not a whole number from 0 to 100000`},
		{"rate zero", "RATE_LIMIT_PER_MINUTE", "0", `RATE_LIMIT_PER_MINUTE: "0" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"rate tiny", "RATE_LIMIT_PER_MINUTE", "1e-300", `RATE_LIMIT_PER_MINUTE: "1e-300" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"rate below the least", "RATE_LIMIT_PER_MINUTE", "0.09", `RATE_LIMIT_PER_MINUTE: "0.09" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"rate huge", "RATE_LIMIT_PER_MINUTE", "1e300", `RATE_LIMIT_PER_MINUTE: "1e300" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"rate infinite", "RATE_LIMIT_PER_MINUTE", "+Inf", `RATE_LIMIT_PER_MINUTE: "+Inf" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"rate NaN", "RATE_LIMIT_PER_MINUTE", "NaN", `RATE_LIMIT_PER_MINUTE: "NaN" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"rate words", "RATE_LIMIT_PER_MINUTE", "six", `RATE_LIMIT_PER_MINUTE: "six" is not a number of questions per minute from 0.1 to 1000 (e.g. 6)`},
		{"log level", "LOG_LEVEL", "verbose", `LOG_LEVEL: "verbose" is not one of debug, info, warn, error`},
		{"guild id name", "DISCORD_GUILD_ID", "my-server", `DISCORD_GUILD_ID: "my-server" is not a Discord server id (a number, from Copy Server ID)`},
		{"health addr no port", "HEALTH_ADDR", "localhost", `HEALTH_ADDR: "localhost" is not host:port with a port number (e.g. 127.0.0.1:8081 or :8081)`},
		{"health addr named port", "HEALTH_ADDR", "localhost:http", `HEALTH_ADDR: "localhost:http" is not host:port with a port number (e.g. 127.0.0.1:8081 or :8081)`},
		{"health addr port too big", "HEALTH_ADDR", ":70000", `HEALTH_ADDR: ":70000" is not host:port with a port number (e.g. 127.0.0.1:8081 or :8081)`},
		{"token with another prefix", "DISCORD_TOKEN", "Bearer MTE.abc.def", `DISCORD_TOKEN: contains spaces; put only the token, or "Bot " and the token`},
		{"token with words after it", "DISCORD_TOKEN", "Bot MTE.abc.def please", `DISCORD_TOKEN: contains spaces; put only the token, or "Bot " and the token`},
		{"key with prefix", "OPENAI_API_KEY", "Bearer sk-123", `OPENAI_API_KEY: contains spaces; put only the key itself, with no prefix such as "Bearer "`},
		{"base url password not shown", "OPENAI_BASE_URL", "ftp://me:hunter2hunter2@example.com/v1", `OPENAI_BASE_URL: "ftp://me:xxxxx@example.com/v1" is not an http(s) URL (e.g. http://localhost:11434/v1 or https://api.openai.com/v1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(map[string]string{tt.key: tt.value}))
			if err == nil {
				t.Fatalf("%s=%q: no error, want %q", tt.key, tt.value, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("%s=%q:\n got %s\nwant %s", tt.key, tt.value, got, tt.want)
			}
		})
	}
}

func TestLoadNeverEchoesSecrets(t *testing.T) {
	const token, key = "MTE.secret-token.part", "sk-very-secret"
	_, err := config.Load(env(map[string]string{"DISCORD_TOKEN": "Bearer " + token, "OPENAI_API_KEY": "Bearer " + key}))
	if err == nil {
		t.Fatal("no error for prefixed secrets")
	}
	for _, s := range []string{token, key} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows the secret %q", err, s)
		}
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"LLM_TIMEOUT":     "soon",
		"OPENAI_BASE_URL": "localhost",
		"LOG_LEVEL":       "loud",
	}))
	if err == nil {
		t.Fatal("no error for three invalid values")
	}
	lines := strings.Split(err.Error(), "\n")
	var vars []string
	for _, l := range lines {
		name, _, _ := strings.Cut(l, ":")
		vars = append(vars, name)
	}
	slices.Sort(vars)
	if want := []string{"LLM_TIMEOUT", "LOG_LEVEL", "OPENAI_BASE_URL"}; !slices.Equal(vars, want) {
		t.Errorf("one line per problem, naming its variable: got %q, want variables %q", lines, want)
	}
}

func TestModelConfigured(t *testing.T) {
	for _, key := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL"} {
		val := "sk-1"
		if key == "OPENAI_BASE_URL" {
			val = "http://localhost:11434/v1"
		}
		c, err := config.Load(env(map[string]string{key: val}))
		if err != nil {
			t.Fatal(err)
		}
		if !c.ModelConfigured() {
			t.Errorf("ModelConfigured() = false with %s set, want true", key)
		}
	}
}

func TestValidateServe(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = c.ValidateServe()
	want := "DISCORD_TOKEN: not set; serve needs a bot token: create an application at https://discord.com/developers/applications, open Bot, Reset Token, and put the token in .env or the environment"
	if err == nil || err.Error() != want {
		t.Errorf("ValidateServe() with no token:\n got %v\nwant %s", err, want)
	}

	c, err = config.Load(env(map[string]string{"DISCORD_TOKEN": "MTE.abc.def"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ValidateServe(); err != nil {
		t.Errorf("ValidateServe() with a token: %v", err)
	}
}

func TestDefaultDBPath(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"xdg data home", map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/storybot/storybot.db"},
		{"home", map[string]string{"HOME": "/home/u"}, "/home/u/.local/share/storybot/storybot.db"},
		// Only getenv counts, not the real home of whoever runs the test.
		{"no home", map[string]string{}, "storybot.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := config.DefaultDBPath(func(k string) string { return tt.env[k] })
			if got != filepath.FromSlash(tt.want) {
				t.Errorf("DefaultDBPath = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestEnvExample keeps .env.example honest: it lists exactly config.Keys, in
// order, each under a one-line comment, and every value in it is the default.
func TestEnvExample(t *testing.T) {
	f, err := os.Open(filepath.Join("..", ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var keys []string
	vals := map[string]string{}
	commented := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# "):
			if commented {
				t.Errorf(".env.example:%d: two comment lines in a row; give each variable one line", n)
			}
			commented = true
		case strings.Contains(line, "="):
			key, val, _ := strings.Cut(line, "=")
			if !commented {
				t.Errorf(".env.example:%d: %s has no comment line above it", n, key)
			}
			commented = false
			keys = append(keys, key)
			vals[key] = val
		default:
			t.Errorf(".env.example:%d: %q is neither a '# comment' nor KEY=value", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// storybot reads .env with ParseDotEnv; it must see the same values.
	parsed, err := config.ReadDotEnv(f.Name())
	if err != nil || len(parsed.Problems) > 0 {
		t.Fatalf("ReadDotEnv(.env.example): %v %v", parsed.Problems, err)
	}
	if !maps.Equal(parsed.Vars, vals) {
		t.Errorf("ReadDotEnv reads .env.example as %q, want %q", parsed.Vars, vals)
	}
	if !slices.Equal(keys, config.Keys) {
		t.Errorf(".env.example keys:\n got %q\nwant %q (config.Keys)", keys, config.Keys)
	}

	fromExample, err := config.Load(env(vals))
	if err != nil {
		t.Fatalf("Load(.env.example): %v", err)
	}
	defaults, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if fromExample != defaults {
		t.Errorf(".env.example's values differ from the defaults:\n got %+v\nwant %+v", fromExample, defaults)
	}
}

// TestKeysAreWhatLoadReads keeps config.Keys (and so .env.example) in step
// with Load: a variable read but not listed would be undocumented.
func TestKeysAreWhatLoadReads(t *testing.T) {
	read := map[string]bool{}
	config.Load(func(key string) string {
		read[key] = true
		return ""
	})
	// These locate the per-user default database; they are not storybot's own.
	delete(read, "HOME")
	delete(read, "XDG_DATA_HOME")
	delete(read, "USERPROFILE")
	got := slices.Sorted(maps.Keys(read))
	want := slices.Sorted(slices.Values(config.Keys))
	if !slices.Equal(got, want) {
		t.Errorf("Load reads %q, config.Keys lists %q", got, want)
	}
}

func TestSecrets(t *testing.T) {
	got := config.Secrets(env(map[string]string{
		"DISCORD_TOKEN":        " Bot MTE.token.part ",
		"OPENAI_API_KEY":       "Bearer sk-key-0123",
		"OPENAI_BASE_URL":      "http://me:p%40ss%2Fword1@proxy:8080/v1",
		"DISCORD_API_BASE_URL": "http://user:short@proxy",
		"OPENAI_MODEL":         "not-a-secret-model",
	}))
	want := []string{"sk-key-0123", "Bearer sk-key-0123", "MTE.token.part", "Bot MTE.token.part", "p@ss/word1", "p%40ss%2Fword1"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Secrets = %q, want %q (words under 8 bytes left out)", got, want)
	}
	if got := config.Secrets(env(nil)); len(got) != 0 {
		t.Errorf("Secrets with nothing set = %q", got)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Second: "1s", 10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Minute: "1h30m", 100 * time.Millisecond: "100ms", 90 * time.Second: "1m30s"} {
		if got := config.ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
