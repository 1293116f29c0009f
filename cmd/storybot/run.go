package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// usageError is an error in how storybot was called; main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what every subcommand gets from run: the process's surroundings,
// injected so tests can run commands in-process. getenv is all a command
// reads of the environment, with the .env file beneath it; dotenv holds what
// was wrong in that file (run has warned of each), for doctor.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	dotenv []error
}

// command is one subcommand. run parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"ask", "answer a question about the story, with verified quotes", runAsk},
		{"chat", "hold a conversation about the story: questions and follow-ups", runChat},
		{"search", "show the passages that best match a query", runSearch},
		{"timeline", "list the story's dated events in order", runTimeline},
		{"ingest", "add documents (text, Markdown, HTML) to the index", runIngest},
		{"docs", "list the indexed documents, or remove some", runDocs},
		{"serve", "run the Discord bot", runServe},
		{"doctor", "check the configuration, the index, the model and Discord", runDoctor},
		{"health", "ask a running bot's health endpoint (for Docker)", runHealth},
		{"backup", "write a consistent copy of the index to a file, while serving", runBackup},
		{"restore", "replace the index with a backup (storybot stopped)", runRestore},
		{"stats", "sum up the questions the Discord bot was asked, and their feedback", runStats},
		{"eval", "score retrieval or answers on FairytaleQA", runEval},
		{"version", "print storybot's version", runVersion},
	}
}

// run runs the command args name, with the process's standard input (which
// only chat reads); see runFrom.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runFrom(ctx, args, getenv, os.Stdin, stdout, stderr)
}

// runFrom runs the command args name, reading stdin. The variables of the
// .env file getenv names (config.EnvFile; main names the working folder's)
// lie beneath getenv, and the secrets of either never reach stdout, stderr
// or the error returned. It reads nothing else of its surroundings.
func runFrom(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	dotEnvFile := getenv(config.EnvFile)
	dot, dotErr := config.DotEnv{}, error(nil)
	if dotEnvFile != "" {
		dot, dotErr = config.ReadDotEnv(dotEnvFile)
	}
	getenv = dot.Under(getenv)
	hide := newRedactor(config.Secrets(getenv))
	stdout, stderr = hide.writer(stdout), hide.writer(stderr)
	defer func() { err = hide.error(err) }()

	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if dotErr != nil {
		e.dotenv = append(e.dotenv, fmt.Errorf("%s ignored: %w", dotEnvFile, dotErr))
	}
	for _, p := range dot.Problems {
		e.dotenv = append(e.dotenv, p)
	}
	for _, p := range e.dotenv {
		fmt.Fprintln(stderr, "storybot:", p)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return usagef("unknown command %q (run 'storybot --help' for the list)", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "storybot answers questions about a story and never says more than the story does.\n\nUsage: storybot <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'storybot <command> --help' for a command's flags.\n")
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to stderr.
func newFlagSet(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: storybot %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args. It returns (true, nil) when --help was asked for,
// so the caller returns nil after the usage was printed.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usageError{err.Error()}
	}
	return false, nil
}

// durationIn refuses a duration flag's value outside [min, max].
func durationIn(flag string, d, min, max time.Duration) error {
	if d < min || d > max {
		return usagef("--%s: %s is not from %s to %s", flag, config.ShortDuration(d), config.ShortDuration(min), config.ShortDuration(max))
	}
	return nil
}

// dbFlag declares the --db flag every command that reads the index has.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "index database (default $STORYBOT_DB, else a per-user file)")
}

// loadConfig reads the configuration once; db, the --db flag, wins over
// STORYBOT_DB. checks are a command's own requirements, reported together
// with every invalid variable.
func loadConfig(e *env, db string, checks ...func(config.Config) error) (config.Config, error) {
	cfg, err := config.Load(e.getenv)
	for _, check := range checks {
		err = errors.Join(err, check(cfg))
	}
	if err != nil {
		return cfg, fmt.Errorf("configuration is invalid:\n%w", err)
	}
	if db != "" {
		cfg.DB = db
	}
	return cfg, nil
}

// story is what a command that answers from the story starts with: the
// configuration, the logger and the open index (which the caller closes).
type story struct {
	cfg config.Config
	log *slog.Logger
	st  *sqlite.Store
}

// openStory loads the configuration (see loadConfig) and opens the index.
func openStory(ctx context.Context, e *env, db string, checks ...func(config.Config) error) (story, error) {
	cfg, err := loadConfig(e, db, checks...)
	if err != nil {
		return story{}, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return story{}, err
	}
	return story{cfg: cfg, log: newLogger(e, cfg), st: st}, nil
}

// newLogger returns the process logger, writing text to stderr.
func newLogger(e *env, cfg config.Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// waiting is the Store.Waiting of a command that writes: it says why it
// has not gone on yet.
func waiting(e *env) func() {
	return func() { fmt.Fprintln(e.stderr, "waiting for another storybot to finish writing to the index…") }
}

// openIndex opens the index at cfg.DB as it is.
func openIndex(ctx context.Context, cfg config.Config) (*sqlite.Store, error) {
	st, err := sqlite.Open(ctx, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("open the index at %s: %w", cfg.DB, err)
	}
	return st, nil
}

// openStore opens the index at cfg.DB, indexing the embedded story into a
// new one first (once, unless STORYBOT_DEFAULT_STORY is false).
func openStore(ctx context.Context, cfg config.Config) (*sqlite.Store, error) {
	st, err := openIndex(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if !cfg.DefaultStory {
		return st, nil
	}
	if err := st.EnsureDefault(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("index the default story into %s: %w", cfg.DB, err)
	}
	return st, nil
}

// docList is a repeatable flag of document ids (--doc a --doc b, or --doc a,b).
type docList []string

func (d *docList) String() string { return strings.Join(*d, ",") }

func (d *docList) Set(v string) error {
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			*d = append(*d, id)
		}
	}
	return nil
}

// docsFlag declares the --doc flag of the commands that read documents.
func docsFlag(fs *flag.FlagSet, what string) *docList {
	d := new(docList)
	fs.Var(d, "doc", what+" only this document (its id, see 'storybot docs'); repeat it, or give ids with commas, for several")
	return d
}

// openScoped is openStory for a command that reads every document or
// those of --doc (scopeOf); the store is closed when the scope is not.
func openScoped(ctx context.Context, e *env, db string, docs docList) (story, knowledge.Scope, error) {
	s, err := openStory(ctx, e, db)
	if err != nil {
		return s, knowledge.Scope{}, err
	}
	sc, err := scopeOf(ctx, s.st, docs)
	if err != nil {
		s.st.Close()
		return story{}, sc, err
	}
	return s, sc, nil
}

// scopeOf is what a command reads: every document, or those of --doc,
// each of which must be in the index.
func scopeOf(ctx context.Context, st *sqlite.Store, docs docList) (knowledge.Scope, error) {
	for _, id := range docs {
		if _, err := st.Document(ctx, knowledge.Everything, id); errors.Is(err, knowledge.ErrNotFound) {
			return knowledge.Scope{}, usagef("--doc: no document %q in the index (see 'storybot docs')", id)
		} else if err != nil {
			return knowledge.Scope{}, err
		}
	}
	return knowledge.Everything.Only(docs...), nil
}

// joinArgs joins the remaining arguments into one query or question.
func joinArgs(fs *flag.FlagSet, what string) (string, error) {
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		return "", usagef("give a %s, e.g. storybot %s \"Who is Vincent Ramos?\"", what, fs.Name())
	}
	return q, nil
}
