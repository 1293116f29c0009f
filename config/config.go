// Package config reads storybot's settings once, through a getenv function
// (cmd/storybot passes the environment with a .env file under it), into a
// typed Config. Every invalid value is reported with the variable's name and
// what would be valid. It is the only package that knows the variables'
// names; the packages it configures name their own parameters.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Config is every setting storybot reads. The zero value is not useful; use
// Load, which starts from Default.
type Config struct {
	// DB is the SQLite database path (STORYBOT_DB).
	DB string
	// DefaultStory indexes the built-in story into a new index, once
	// (STORYBOT_DEFAULT_STORY).
	DefaultStory bool

	// Model settings. The model is used when APIKey or BaseURL is set.
	APIKey        string        // OPENAI_API_KEY
	BaseURL       string        // OPENAI_BASE_URL
	Model         string        // OPENAI_MODEL
	LLMTimeout    time.Duration // LLM_TIMEOUT: bounds the model's work on one answer, retries included
	ContextTokens int           // LLM_CONTEXT_TOKENS: budget for retrieved passages in a prompt

	// Discord settings.
	DiscordToken   string // DISCORD_TOKEN (required by serve)
	DiscordGuildID string // DISCORD_GUILD_ID
	DiscordAPIBase string // DISCORD_API_BASE_URL: replaces https://discord.com for REST
	ShardID        int    // DISCORD_SHARD_ID: this process's shard, from 0
	ShardCount     int    // DISCORD_SHARD_COUNT: how many shards serve the bot
	// MessageContent asks Discord for the privileged message content
	// intent (DISCORD_MESSAGE_CONTENT): every message in the bot's threads
	// is then a follow-up question, without a mention.
	MessageContent bool

	// Serving.
	HealthAddr    string     // HEALTH_ADDR: where /healthz listens
	RatePerMinute float64    // RATE_LIMIT_PER_MINUTE: questions per user per minute
	RateBurst     int        // RATE_LIMIT_BURST: questions a user may ask at once
	MaxConcurrent int        // MAX_CONCURRENT_ANSWERS: model calls in flight
	MaxQueued     int        // MAX_QUEUED_ANSWERS: questions waiting for a model slot
	LogLevel      slog.Level // LOG_LEVEL

	// QuestionRetention is how long question text and feedback comments
	// are kept for storybot stats; 0 keeps none (QUESTION_RETENTION).
	QuestionRetention time.Duration
}

// ModelConfigured reports whether a model server should be used.
func (c Config) ModelConfigured() bool { return c.APIKey != "" || c.BaseURL != "" }

// Default returns the settings used when nothing is configured.
func Default(getenv func(string) string) Config {
	return Config{
		DB:            DefaultDBPath(getenv),
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

		QuestionRetention: 30 * Day,
	}
}

// Day is 24 hours, the unit of QUESTION_RETENTION and stats --since.
const Day = 24 * time.Hour

// DefaultDBPath is the per-user database path used when STORYBOT_DB is unset:
// $XDG_DATA_HOME/storybot/storybot.db, else ~/.local/share/storybot/storybot.db,
// else storybot.db in the working folder. It reads only getenv: the home
// folder is $HOME, else on Windows %USERPROFILE%.
func DefaultDBPath(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "storybot", "storybot.db")
	}
	home := getenv("HOME")
	if home == "" && runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
	}
	if home != "" {
		return filepath.Join(home, ".local", "share", "storybot", "storybot.db")
	}
	return "storybot.db"
}

// Keys lists every environment variable Load reads, in the order of .env.example.
var Keys = keysOf(new(Config).fields())

func keysOf(fs []field) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	return keys
}

// field is one environment variable and how its value is read into a Config.
type field struct {
	key string
	// set parses v, trimmed and never empty, into its Config field, or says
	// why it cannot; the caller puts the key in front.
	set func(v string) error
}

// fields lists c's variables in the order of .env.example, each bound to
// the field of c it sets.
func (c *Config) fields() []field {
	return []field{
		{"STORYBOT_DB", text(&c.DB)},
		{"STORYBOT_DEFAULT_STORY", boolean(&c.DefaultStory)},
		{"OPENAI_API_KEY", secret(&c.APIKey, "")},
		{"OPENAI_BASE_URL", httpURL(&c.BaseURL, "http://localhost:11434/v1 or https://api.openai.com/v1")},
		{"OPENAI_MODEL", text(&c.Model)},
		{"LLM_TIMEOUT", duration(&c.LLMTimeout, time.Second, 10*time.Minute)},
		{"LLM_CONTEXT_TOKENS", wholeNumber(&c.ContextTokens, 200, 1_000_000)},
		{"DISCORD_TOKEN", secret(&c.DiscordToken, "Bot ")},
		{"DISCORD_GUILD_ID", guildID(&c.DiscordGuildID)},
		{"DISCORD_API_BASE_URL", httpURL(&c.DiscordAPIBase, "http://localhost:3000 for a rate-limit proxy")},
		{"DISCORD_SHARD_ID", wholeNumber(&c.ShardID, 0, 100_000)},
		{"DISCORD_SHARD_COUNT", wholeNumber(&c.ShardCount, 1, 100_000)},
		{"DISCORD_MESSAGE_CONTENT", boolean(&c.MessageContent)},
		{"HEALTH_ADDR", hostPort(&c.HealthAddr)},
		{"RATE_LIMIT_PER_MINUTE", perMinute(&c.RatePerMinute, 0.1, 1000)},
		{"RATE_LIMIT_BURST", wholeNumber(&c.RateBurst, 1, 100)},
		{"MAX_CONCURRENT_ANSWERS", wholeNumber(&c.MaxConcurrent, 1, 1000)},
		{"MAX_QUEUED_ANSWERS", wholeNumber(&c.MaxQueued, 0, 100_000)},
		{"LOG_LEVEL", logLevel(&c.LogLevel)},
		{"QUESTION_RETENTION", retention(&c.QuestionRetention, 3650*Day)},
	}
}

// Load reads the configuration from getenv, starting from Default. It
// returns every problem it finds, joined, each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	c := Default(getenv)
	var errs []error
	for _, f := range c.fields() {
		if v := strings.TrimSpace(getenv(f.key)); v != "" {
			if err := f.set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", f.key, err))
			}
		}
	}
	if c.ShardID >= c.ShardCount {
		errs = append(errs, fmt.Errorf("DISCORD_SHARD_ID: %d is not below DISCORD_SHARD_COUNT (%d); shards are numbered from 0", c.ShardID, c.ShardCount))
	}
	return c, errors.Join(errs...)
}

func text(dst *string) func(string) error {
	return func(v string) error {
		*dst = v
		return nil
	}
}

// secret is text that is never echoed: the message may end up in a log or
// an issue. prefix, when not empty, may stand before it and is dropped (the
// "Bot " of a Discord token, as it goes in the Authorization header).
func secret(dst *string, prefix string) func(string) error {
	return func(v string) error {
		if prefix != "" {
			v = strings.TrimSpace(strings.TrimPrefix(v, prefix))
		}
		if strings.ContainsFunc(v, unicode.IsSpace) {
			if prefix != "" {
				return fmt.Errorf("contains spaces; put only the token, or %q and the token", prefix)
			}
			return errors.New("contains spaces; put only the key itself, with no prefix such as \"Bearer \"")
		}
		*dst = v
		return nil
	}
}

// secretKeys hold secrets; urlKeys may hold a password in their user info.
var (
	secretKeys = []string{"OPENAI_API_KEY", "DISCORD_TOKEN"}
	urlKeys    = []string{"OPENAI_BASE_URL", "DISCORD_API_BASE_URL"}
)

// Secrets returns the secrets getenv holds, valid or not: every word of the
// API key and the bot token (so "Bot TOKEN" gives TOKEN) and the passwords
// of URLs. Words shorter than 8 bytes are left out: hiding them would garble
// ordinary text, and they are no secret worth the name. Callers hide these
// from everything they print.
func Secrets(getenv func(string) string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 8 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, k := range secretKeys {
		v := strings.TrimSpace(getenv(k))
		add(v)
		for _, w := range strings.Fields(v) {
			add(w)
		}
	}
	for _, k := range urlKeys {
		if u, err := url.Parse(strings.TrimSpace(getenv(k))); err == nil {
			if p, ok := u.User.Password(); ok {
				add(p)
				if _, shown, ok := strings.Cut(u.User.String(), ":"); ok {
					add(shown) // escaped, as a URL shows it
				}
			}
		}
	}
	return out
}

func boolean(dst *bool) func(string) error {
	return func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*dst = b
		return nil
	}
}

func httpURL(dst *string, example string) func(string) error {
	return func(v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			if err == nil {
				v = u.Redacted() // no password in the message
			}
			return fmt.Errorf("%q is not an http(s) URL (e.g. %s)", v, example)
		}
		*dst = v
		return nil
	}
}

func duration(dst *time.Duration, min, max time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < min || d > max {
			return fmt.Errorf("%q is not a duration from %s to %s (e.g. 30s, 2m)", v, ShortDuration(min), ShortDuration(max))
		}
		*dst = d
		return nil
	}
}

// ShortDuration writes d as a person would: 10m, 1h30m, 1s, 250ms (not
// 10m0s).
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseDays reads a span of time as days ("30d"), a Go duration ("12h",
// "90m") or "0".
func ParseDays(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.ParseFloat(n, 64)
		if err != nil || !(days >= 0) || days > 1e5 {
			return 0, fmt.Errorf("%q is not a number of days", v)
		}
		return time.Duration(days * float64(Day)), nil
	}
	return time.ParseDuration(v)
}

func retention(dst *time.Duration, max time.Duration) func(string) error {
	return func(v string) error {
		d, err := ParseDays(v)
		if err != nil || d < 0 || d > max {
			return fmt.Errorf("%q is not a retention from 0 (keep none) to %dd (e.g. 30d, 12h)", v, max/Day)
		}
		*dst = d
		return nil
	}
}

func wholeNumber(dst *int, min, max int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			return fmt.Errorf("%q is not a whole number from %d to %d", v, min, max)
		}
		*dst = n
		return nil
	}
}

// perMinute is a rate from min to max: a user waits up to 60/min seconds
// for their next question, so min keeps that wait something to tell them.
func perMinute(dst *float64, min, max float64) func(string) error {
	return func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f >= min && f <= max) { // also rejects NaN
			return fmt.Errorf("%q is not a number of questions per minute from %g to %g (e.g. 6)", v, min, max)
		}
		*dst = f
		return nil
	}
}

func logLevel(dst *slog.Level) func(string) error {
	return func(v string) error {
		if err := dst.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("%q is not one of debug, info, warn, error", v)
		}
		return nil
	}
}

func guildID(dst *string) func(string) error {
	return func(v string) error {
		if err := CheckGuildID(v); err != nil {
			return err
		}
		*dst = v
		return nil
	}
}

// CheckGuildID reports whether v is a Discord server id (a snowflake).
func CheckGuildID(v string) error {
	if _, err := strconv.ParseUint(v, 10, 64); err != nil {
		return fmt.Errorf("%q is not a Discord server id (a number, from Copy Server ID)", v)
	}
	return nil
}

func hostPort(dst *string) func(string) error {
	return func(v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil || !isPort(port) {
			return fmt.Errorf("%q is not host:port with a port number (e.g. 127.0.0.1:8081 or :8081)", v)
		}
		*dst = v
		return nil
	}
}

// ValidateServe reports what serve needs beyond what Load checks: a Discord
// bot token. Call it right after Load so serve refuses to start at once.
func (c Config) ValidateServe() error {
	if c.DiscordToken == "" {
		return errors.New("DISCORD_TOKEN: not set; serve needs a bot token: create an application at https://discord.com/developers/applications, open Bot, Reset Token, and put the token in .env or the environment")
	}
	return nil
}

func isPort(s string) bool {
	_, err := strconv.ParseUint(s, 10, 16)
	return err == nil
}
