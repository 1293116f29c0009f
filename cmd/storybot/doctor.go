package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/llm"
	"github.com/storybot/storybot/llm/openai"
)

// The outcomes of one doctor check, as printed at the start of its line.
const (
	checkOK      = "ok"
	checkProblem = "problem"
	checkSkipped = "skipped"
)

// runDoctor checks what storybot depends on — the configuration, the index,
// the model server and the Discord token — and prints one plain line per
// check. It fails when any check found a problem.
func runDoctor(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "doctor", "doctor [--db PATH] [--timeout DURATION]")
	db := dbFlag(fs)
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for the model server and for Discord")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("doctor takes no arguments, got %q", fs.Args())
	}
	if err := durationIn("timeout", *timeout, 100*time.Millisecond, 5*time.Minute); err != nil {
		return err
	}

	fmt.Fprintln(e.stdout, versionLine())
	problems := 0
	report := func(status, name, detail string) {
		if status == checkProblem {
			problems++
		}
		fmt.Fprintf(e.stdout, "%-8s %s: %s\n", status, name, detail)
	}

	// A bad .env line is a problem of its own: the line is ignored, so the
	// setting it meant to make is not in use.
	for _, p := range e.dotenv {
		report(checkProblem, "configuration", p.Error())
	}
	cfg, err := loadConfig(e, *db)
	if err != nil {
		// Every other check would run on guessed settings: report the
		// configuration alone, one line per variable.
		for _, line := range configProblems(err) {
			report(checkProblem, "configuration", line)
		}
		report(checkSkipped, "index, model, discord", "fix the configuration first")
		return fmt.Errorf("doctor found %s", countNoun(problems, "problem"))
	}
	summary := describeConfig(e.getenv)
	if len(e.dotenv) > 0 {
		summary = "the rest is " + summary
	}
	report(checkOK, "configuration", summary)

	status, detail := checkIndex(ctx, cfg)
	report(status, "index", detail)
	status, detail = checkModel(ctx, cfg, *timeout)
	report(status, "model", detail)
	status, detail = checkDiscord(ctx, cfg, *timeout)
	report(status, "discord", detail)

	if problems > 0 {
		return fmt.Errorf("doctor found %s", countNoun(problems, "problem"))
	}
	if cfg.DiscordToken == "" {
		fmt.Fprintln(e.stdout, "storybot is ready on the command line; serve needs DISCORD_TOKEN.")
		return nil
	}
	fmt.Fprintln(e.stdout, "storybot is ready.")
	return nil
}

// configProblems splits the error loadConfig returns into one line per
// variable: config.Load joins one error per problem.
func configProblems(err error) []string {
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return []string{err.Error()}
	}
	var lines []string
	for _, e := range joined.Unwrap() {
		lines = append(lines, e.Error())
	}
	return lines
}

// describeConfig names the variables that are set (never their values, which
// may be secrets), so a missing env_file or a typo shows.
func describeConfig(getenv func(string) string) string {
	var set []string
	for _, k := range config.Keys {
		if strings.TrimSpace(getenv(k)) != "" {
			set = append(set, k)
		}
	}
	if len(set) == 0 {
		return "valid; no variables set, every default in use"
	}
	return "valid; set: " + strings.Join(set, ", ")
}

// checkIndex opens the index (indexing the default story into an empty one)
// and counts what it holds.
func checkIndex(ctx context.Context, cfg config.Config) (status, detail string) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return checkProblem, err.Error()
	}
	defer st.Close()
	docs, passages, err := st.Stats(ctx)
	if err != nil {
		return checkProblem, fmt.Sprintf("cannot read %s: %v", cfg.DB, err)
	}
	if passages == 0 {
		return checkProblem, fmt.Sprintf("%s holds no passages; run storybot ingest FILE", cfg.DB)
	}
	detail = fmt.Sprintf("%s holds %s, %s", cfg.DB, countNoun(docs, "document"), countNoun(passages, "passage"))
	if st.ReadOnly() {
		detail += " (read-only: it answers, but nothing can be ingested into it)"
	}
	return checkOK, detail
}

// checkModel asks the model server for its models, with the client answers
// are made with, and looks for OPENAI_MODEL among them.
func checkModel(ctx context.Context, cfg config.Config, timeout time.Duration) (status, detail string) {
	if !cfg.ModelConfigured() {
		return checkOK, "none configured; answers are quotes from the story (set OPENAI_BASE_URL or OPENAI_API_KEY to use a model)"
	}
	c := openai.New(openai.Options{BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, Model: cfg.Model, Timeout: timeout})
	base := c.BaseURL()
	ids, err := c.Models(ctx)
	if err != nil {
		return checkProblem, modelError(base, cfg.APIKey != "", timeout, err)
	}
	for _, id := range ids {
		// Ollama lists "llama3.2:latest" and answers to "llama3.2".
		if id == cfg.Model || id == cfg.Model+":latest" {
			return checkOK, fmt.Sprintf("%s serves %q", base, cfg.Model)
		}
	}
	if len(ids) == 0 {
		return checkProblem, fmt.Sprintf("%s lists no models; pull or load %q there", base, cfg.Model)
	}
	const shown = 10
	more := ""
	if len(ids) > shown {
		more = fmt.Sprintf(" and %d more", len(ids)-shown)
		ids = ids[:shown]
	}
	return checkProblem, fmt.Sprintf("OPENAI_MODEL %q is not among the models %s lists (%s%s); set OPENAI_MODEL to one of them, or pull or load it there",
		cfg.Model, base, strings.Join(ids, ", "), more)
}

// modelError explains a failed model listing in words an admin can act on.
func modelError(base string, hasKey bool, timeout time.Duration, err error) string {
	switch status := llm.HTTPStatus(err); {
	case errors.Is(err, llm.ErrTimeout):
		return fmt.Sprintf("%s did not answer within %s; is the server running and OPENAI_BASE_URL right?", base, timeout)
	case errors.Is(err, llm.ErrBadReply) || errors.Is(err, llm.ErrReplyTooLarge):
		return fmt.Sprintf("%s answered, but not as an OpenAI-compatible server does (%s); OPENAI_BASE_URL should be its API, usually ending in /v1", base, oneLine(err.Error(), 160))
	case (status == http.StatusUnauthorized || status == http.StatusForbidden) && hasKey:
		return fmt.Sprintf("%s refused OPENAI_API_KEY (%d %s); check the key", base, status, http.StatusText(status))
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Sprintf("%s wants an API key (%d %s); set OPENAI_API_KEY", base, status, http.StatusText(status))
	case status == http.StatusNotFound:
		return fmt.Sprintf("%s/models does not exist (404); OPENAI_BASE_URL usually ends in /v1", base)
	case status != 0:
		return fmt.Sprintf("%s answered %d %s when asked for its models: %v", base, status, http.StatusText(status), err)
	}
	return fmt.Sprintf("cannot reach %s (%s); is the server running and OPENAI_BASE_URL right?", base, netReason(err))
}

// checkDiscord asks Discord who the token belongs to, the way serve does.
func checkDiscord(ctx context.Context, cfg config.Config, timeout time.Duration) (status, detail string) {
	if cfg.DiscordToken == "" {
		return checkSkipped, "DISCORD_TOKEN is not set; only serve needs it"
	}
	origin := "https://discord.com"
	if cfg.DiscordAPIBase != "" {
		origin = strings.TrimRight(cfg.DiscordAPIBase, "/")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u, err := bot.Whoami(ctx, cfg.DiscordToken, cfg.DiscordAPIBase)
	switch status := bot.HTTPStatus(err); {
	case err == nil:
		return checkOK, fmt.Sprintf("the token belongs to %s (id %s) at %s", u.Username, u.ID, origin)
	case status == http.StatusUnauthorized:
		return checkProblem, "Discord refused DISCORD_TOKEN (401 Unauthorized); reset it at https://discord.com/developers/applications (Bot, Reset Token) and put the new token in DISCORD_TOKEN"
	case status != 0:
		return checkProblem, fmt.Sprintf("%s answered %d %s: %s", origin, status, http.StatusText(status), oneLine(err.Error(), 200))
	case errors.Is(err, context.DeadlineExceeded):
		return checkProblem, fmt.Sprintf("%s did not answer within %s", origin, timeout)
	}
	return checkProblem, fmt.Sprintf("cannot reach %s (%s)", origin, netReason(err))
}

// oneLine is s on one line, cut after max bytes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// countNoun says "1 document" or "3 documents".
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
