// Package config reads storybot's settings once, from the environment (and a
// .env file, see LoadDotEnv), into a typed Config. Every invalid value is
// reported with the variable's name and what would be valid.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
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

	// Model settings. The model is used when APIKey or BaseURL is set.
	APIKey        string        // OPENAI_API_KEY
	BaseURL       string        // OPENAI_BASE_URL
	Model         string        // OPENAI_MODEL
	LLMTimeout    time.Duration // LLM_TIMEOUT: bounds one model call
	ContextTokens int           // LLM_CONTEXT_TOKENS: budget for retrieved passages in a prompt

	// Discord settings.
	DiscordToken   string // DISCORD_TOKEN (required by serve)
	DiscordGuildID string // DISCORD_GUILD_ID
	DiscordAPIBase string // DISCORD_API_BASE_URL: replaces https://discord.com for REST
	ShardID        int    // DISCORD_SHARD_ID: this process's shard, from 0
	ShardCount     int    // DISCORD_SHARD_COUNT: how many shards serve the bot

	// Serving.
	HealthAddr     string  // HEALTH_ADDR: where /healthz listens
	RatePerMinute  float64 // RATE_LIMIT_PER_MINUTE: questions per user per minute
	RateBurst      int     // RATE_LIMIT_BURST: questions a user may ask at once
	MaxConcurrent  int     // MAX_CONCURRENT_ANSWERS: model calls in flight
	MaxQueued      int     // MAX_QUEUED_ANSWERS: questions waiting for a model slot
	LogLevel       slog.Level
	LogLevelString string // LOG_LEVEL, as given
}

// ModelConfigured reports whether a model server should be used.
func (c Config) ModelConfigured() bool { return c.APIKey != "" || c.BaseURL != "" }

// Default returns the settings used when nothing is configured.
func Default(getenv func(string) string) Config {
	return Config{
		DB:             DefaultDBPath(getenv),
		Model:          "gpt-4o-mini",
		LLMTimeout:     60 * time.Second,
		ContextTokens:  1800,
		ShardCount:     1,
		HealthAddr:     "127.0.0.1:8081",
		RatePerMinute:  6,
		RateBurst:      3,
		MaxConcurrent:  4,
		MaxQueued:      32,
		LogLevel:       slog.LevelInfo,
		LogLevelString: "info",
	}
}

// DefaultDBPath is the per-user database path used when STORYBOT_DB is unset:
// $XDG_DATA_HOME/storybot/storybot.db, else ~/.local/share/storybot/storybot.db,
// else storybot.db in the working folder.
func DefaultDBPath(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "storybot", "storybot.db")
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	if home != "" {
		return filepath.Join(home, ".local", "share", "storybot", "storybot.db")
	}
	return "storybot.db"
}

// Keys lists every environment variable Load reads, in the order of .env.example.
var Keys = []string{
	"STORYBOT_DB",
	"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "LLM_TIMEOUT", "LLM_CONTEXT_TOKENS",
	"DISCORD_TOKEN", "DISCORD_GUILD_ID", "DISCORD_API_BASE_URL", "DISCORD_SHARD_ID", "DISCORD_SHARD_COUNT",
	"HEALTH_ADDR", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_BURST", "MAX_CONCURRENT_ANSWERS", "MAX_QUEUED_ANSWERS",
	"LOG_LEVEL",
}

// Load reads the configuration from getenv, starting from Default. It
// returns every problem it finds, joined, each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	c := Default(getenv)
	var errs []error
	str := func(key string, dst *string) {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			*dst = v
		}
	}
	str("STORYBOT_DB", &c.DB)
	str("OPENAI_API_KEY", &c.APIKey)
	str("OPENAI_BASE_URL", &c.BaseURL)
	str("OPENAI_MODEL", &c.Model)
	str("DISCORD_TOKEN", &c.DiscordToken)
	str("DISCORD_GUILD_ID", &c.DiscordGuildID)
	str("DISCORD_API_BASE_URL", &c.DiscordAPIBase)
	str("HEALTH_ADDR", &c.HealthAddr)
	secret := func(key, what string) {
		// Never echo a secret: the message may end up in a log or an issue.
		if v := getenv(key); strings.ContainsFunc(strings.TrimSpace(v), unicode.IsSpace) {
			errs = append(errs, fmt.Errorf("%s: contains spaces; put only the %s itself, with no prefix such as \"Bot \" or \"Bearer \"", key, what))
		}
	}
	secret("OPENAI_API_KEY", "key")
	secret("DISCORD_TOKEN", "bot token")

	if v := strings.TrimSpace(getenv("LLM_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("LLM_TIMEOUT: %q is not a duration (e.g. 30s, 2m)", v))
		case d <= 0:
			errs = append(errs, fmt.Errorf("LLM_TIMEOUT: %q must be positive (e.g. 30s, 2m)", v))
		default:
			c.LLMTimeout = d
		}
	}
	intVar := func(key string, dst *int, min, max int) {
		v := strings.TrimSpace(getenv(key))
		if v == "" {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number from %d to %d", key, v, min, max))
			return
		}
		*dst = n
	}
	intVar("LLM_CONTEXT_TOKENS", &c.ContextTokens, 200, 1_000_000)
	intVar("RATE_LIMIT_BURST", &c.RateBurst, 1, 1000)
	intVar("MAX_CONCURRENT_ANSWERS", &c.MaxConcurrent, 1, 1000)
	intVar("MAX_QUEUED_ANSWERS", &c.MaxQueued, 0, 100_000)
	intVar("DISCORD_SHARD_COUNT", &c.ShardCount, 1, 100_000)
	intVar("DISCORD_SHARD_ID", &c.ShardID, 0, 100_000)
	if c.ShardID >= c.ShardCount {
		errs = append(errs, fmt.Errorf("DISCORD_SHARD_ID: %d is not below DISCORD_SHARD_COUNT (%d); shards are numbered from 0", c.ShardID, c.ShardCount))
	}
	if v := strings.TrimSpace(getenv("RATE_LIMIT_PER_MINUTE")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0 && f <= 60_000) { // also rejects NaN
			errs = append(errs, fmt.Errorf("RATE_LIMIT_PER_MINUTE: %q is not a positive number of questions per minute (e.g. 6)", v))
		} else {
			c.RatePerMinute = f
		}
	}
	if v := strings.TrimSpace(getenv("LOG_LEVEL")); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", v))
		} else {
			c.LogLevelString = strings.ToLower(v)
		}
	}
	if c.BaseURL != "" {
		if err := checkHTTPURL(c.BaseURL, "http://localhost:11434/v1 or https://api.openai.com/v1"); err != nil {
			errs = append(errs, fmt.Errorf("OPENAI_BASE_URL: %w", err))
		}
	}
	if c.DiscordAPIBase != "" {
		if err := checkHTTPURL(c.DiscordAPIBase, "http://localhost:3000 for a rate-limit proxy"); err != nil {
			errs = append(errs, fmt.Errorf("DISCORD_API_BASE_URL: %w", err))
		}
	}
	if c.DiscordGuildID != "" {
		if _, err := strconv.ParseUint(c.DiscordGuildID, 10, 64); err != nil {
			errs = append(errs, fmt.Errorf("DISCORD_GUILD_ID: %q is not a Discord server id (a number, from Copy Server ID)", c.DiscordGuildID))
		}
	}
	if _, port, err := net.SplitHostPort(c.HealthAddr); err != nil || !isPort(port) {
		errs = append(errs, fmt.Errorf("HEALTH_ADDR: %q is not host:port with a port number (e.g. 127.0.0.1:8081 or :8081)", c.HealthAddr))
	}
	return c, errors.Join(errs...)
}

// ValidateServe reports what serve needs beyond what Load checks: a Discord
// bot token. Call it right after Load so serve refuses to start at once.
func (c Config) ValidateServe() error {
	if c.DiscordToken == "" {
		return errors.New("DISCORD_TOKEN: not set; serve needs a bot token: create an application at https://discord.com/developers/applications, open Bot, Reset Token, and put the token in .env or the environment")
	}
	return nil
}

func checkHTTPURL(v, example string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL (e.g. %s)", v, example)
	}
	return nil
}

func isPort(s string) bool {
	_, err := strconv.ParseUint(s, 10, 16)
	return err == nil
}
