package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/fetch"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// maxIngestBytes bounds one input file; larger ones are refused before
// anything is read into memory, or as soon as reading passes it.
const maxIngestBytes = 512 << 20

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "ingest", "ingest [--db PATH] [--date YYYY-MM-DD] [--title T] [--id ID] [--guild SERVER] [--keep-all] [--default-story] FILE|URL...\n\n"+
		"Adds plain text, Markdown (.md) and HTML (.html) files to the index, and web pages (or\n"+
		"Markdown and text) downloaded from http:// and https:// addresses, each recorded with its\n"+
		"address. Each document gets an id from its file name (else its title), numbered when\n"+
		"another document has it (article, article-2); --id names it. The same file (same path),\n"+
		"the same address or the same --id ingested again replaces its earlier version, or is\n"+
		"skipped when unchanged; a different document is never replaced. Nothing is changed\n"+
		"unless every one can be read and parsed.")
	db := dbFlag(fs)
	date := fs.String("date", "", "the documents' date, YYYY-MM-DD (resolves \"last year\", \"this week\" in timelines)")
	title := fs.String("title", "", "the title, instead of the one detected (one file only)")
	id := fs.String("id", "", "the document's id, instead of one made from its name (one file only): ingesting with it again replaces that document")
	guild := fs.String("guild", "", "the Discord server id the documents are for: only that server sees them (default: every server)")
	keepAll := fs.Bool("keep-all", false, "keep blocks that look like boilerplate (ads, disclosures, licences)")
	builtin := fs.Bool("default-story", false, "add the built-in story (the Phantom Secure report) again, e.g. after removing it")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 && !*builtin {
		return usagef("give one or more files or web addresses to ingest, e.g. storybot ingest story.txt https://example.com/article.html")
	}
	if *date != "" {
		if _, err := time.Parse("2006-01-02", *date); err != nil {
			return usagef("--date: %q is not a date like 2019-05-31", *date)
		}
	}
	if err := checkNaming(files, *title, *id, *guild); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *db)
	if err != nil {
		return err
	}
	st, err := openIndex(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if st.ReadOnly() {
		return fmt.Errorf("the index at %s is read-only (its file or volume cannot be written): it can be searched, but nothing can be ingested into it", cfg.DB)
	}

	// Parse everything before touching the index, so a bad file changes nothing.
	defer boundMemory(files)()
	docs, err := parseInputs(ctx, files, func(name string) knowledge.ParseOptions {
		return knowledge.ParseOptions{Name: filepath.Base(name), ID: *id, Title: *title, Date: *date, KeepAll: *keepAll}
	})
	if err != nil {
		return fmt.Errorf("nothing was ingested; the index is unchanged:\n%w", err)
	}
	if *builtin {
		p, err := knowledge.ParseDefaultStory()
		if err != nil {
			return err
		}
		docs = append(docs, p)
	}
	for i := range docs {
		docs[i].Doc.Guild = *guild
	}

	st.Waiting = waiting(e)
	progress := newProgress(e.stderr, docs)
	rep, err := st.Ingest(ctx, docs, progress.update)
	progress.finish()
	if err != nil {
		return fmt.Errorf("nothing was ingested; the index is unchanged: %w", err)
	}
	for i, p := range docs {
		d := p.Doc
		got := rep.Docs[i]
		fmt.Fprintf(e.stdout, "%s: %q as %s, %s (%s)\n", d.Source, d.Title, got.ID, countNoun(len(p.Passages), "passage"), ingestStatus(d, got))
		if d.DateSource == knowledge.DateMetadata {
			fmt.Fprintf(e.stdout, "  dated %s, the page's publication date (--date overrides it)\n", d.Date)
		}
		for _, b := range d.Dropped {
			fmt.Fprintf(e.stdout, "  dropped as boilerplate: %s\n", b)
		}
	}
	if anyDropped(docs) && !*keepAll {
		fmt.Fprintln(e.stdout, "(--keep-all keeps what was dropped)")
	}
	fmt.Fprintf(e.stdout, "index: %s\n", cfg.DB)
	return nil
}

// checkNaming checks the flags that name what is ingested: --title and
// --id name one document, --guild a Discord server.
func checkNaming(files []string, title, id, guild string) error {
	if title != "" && len(files) > 1 {
		return usagef("--title names one document; give one file with it")
	}
	if id != "" {
		if len(files) != 1 {
			return usagef("--id names one document; give one file with it")
		}
		if err := knowledge.CheckID(id); err != nil {
			return usagef("--id: %v", err)
		}
	}
	if guild != "" {
		if err := config.CheckGuildID(guild); err != nil {
			return usagef("--guild: %v", err)
		}
	}
	return nil
}

// ingestStatus says in words what Ingest did with the document d.
func ingestStatus(d knowledge.Document, got sqlite.Ingested) string {
	var s string
	switch got.Status {
	case sqlite.Unchanged:
		return "unchanged, skipped"
	case sqlite.Replaced:
		s = "replaced the previous version"
		if got.Was != "" {
			s += ", which was " + got.Was
		}
		if got.Displaced != "" {
			s += "; also replaced " + got.Displaced + ", which held that id"
		}
	default:
		s = "added"
		if got.ID != d.Slug {
			s += fmt.Sprintf("; %s is another document, so this one is %s (--id names it)", d.Slug, got.ID)
		}
	}
	if d.Guild != "" {
		s += "; seen only in Discord server " + d.Guild
	}
	return s
}

// parseInputs parses the files and downloads the URLs (each once, however
// often given), each with its absolute path or its URL as its origin, or
// returns every problem found.
func parseInputs(ctx context.Context, files []string, opts func(name string) knowledge.ParseOptions) ([]knowledge.Parsed, error) {
	var unique, origins []string
	seen := map[string]bool{}
	var problems []error
	for _, name := range files {
		origin, err := name, error(nil)
		if !fetch.IsURL(name) {
			origin, err = filepath.Abs(name)
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if !seen[origin] {
			seen[origin] = true
			unique, origins = append(unique, name), append(origins, origin)
		}
	}
	var docs []knowledge.Parsed
	for i, r := range parseFiles(ctx, unique, opts) {
		if r.err != nil {
			problems = append(problems, r.err)
			continue
		}
		r.p.Doc.Origin = origins[i]
		docs = append(docs, r.p)
	}
	return docs, errors.Join(problems...)
}

// parseFiles parses the files (and downloads the URLs) on all cores,
// results in the order given.
func parseFiles(ctx context.Context, files []string, opts func(name string) knowledge.ParseOptions) []parseResult {
	out := make([]parseResult, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i].p, out[i].err = parseSource(ctx, files[i], opts(files[i]))
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

type parseResult struct {
	p   knowledge.Parsed
	err error
}

// parseSource parses a file, or the document at a URL.
func parseSource(ctx context.Context, name string, opt knowledge.ParseOptions) (knowledge.Parsed, error) {
	if fetch.IsURL(name) {
		return parseURL(ctx, name, opt)
	}
	return parseFile(name, opt)
}

// parseURL downloads the document at u and parses it, named after its
// URL and recorded with it as its source.
func parseURL(ctx context.Context, u string, opt knowledge.ParseOptions) (knowledge.Parsed, error) {
	d, err := fetch.Get(ctx, u, fetch.Options{UserAgent: userAgent()})
	if err != nil {
		return knowledge.Parsed{}, err
	}
	opt.Name = d.Name
	p, err := knowledge.Parse(d.Body, opt)
	err = parseError(u, err)
	p.Doc.Source = u
	return p, err
}

// userAgent is how storybot names itself to web servers.
func userAgent() string { return "storybot/" + version + " (+https://github.com/storybot/storybot)" }

// parseFile reads and parses the regular file name, holding its text in
// memory once (see openFile and knowledge.ParseReader).
func parseFile(name string, opt knowledge.ParseOptions) (knowledge.Parsed, error) {
	f, size, err := openFile(name, maxIngestBytes)
	if err != nil {
		return knowledge.Parsed{}, err
	}
	defer f.Close()
	p, err := knowledge.ParseReader(&capped{r: f, left: maxIngestBytes}, int(size), opt)
	if errors.Is(err, errTooLarge) {
		return p, tooLarge(name, maxIngestBytes)
	}
	return p, parseError(name, err)
}

// parseData parses a document read from name (a file or a URL), its
// errors worded for the user.
// parseError words an error of knowledge.Parse about name for the user.
func parseError(name string, err error) error {
	switch {
	case errors.Is(err, knowledge.ErrNotText):
		return fmt.Errorf("%s: not UTF-8 text (is it binary, or in another encoding? convert it with iconv -t UTF-8)", name)
	case errors.Is(err, knowledge.ErrEmptyDocument):
		return fmt.Errorf("%s: has no text to index", name)
	case err != nil:
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func anyDropped(docs []knowledge.Parsed) bool {
	for _, p := range docs {
		if len(p.Doc.Dropped) > 0 {
			return true
		}
	}
	return false
}

// progress shows a progress bar on a terminal for large ingests; elsewhere
// (pipes, CI, logs) it stays silent.
type progress struct{ bar *progressbar.ProgressBar }

func newProgress(w io.Writer, docs []knowledge.Parsed) *progress {
	n := 0
	for _, p := range docs {
		n += len(p.Passages)
	}
	if !isTerminal(w) || n < 2000 { // an *os.File, or run's redacting writer on one
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("indexing passages"),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *progress) update(done, total int) {
	if p.bar != nil {
		p.bar.Set(done)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
